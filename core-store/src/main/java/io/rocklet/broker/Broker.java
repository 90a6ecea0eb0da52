package io.rocklet.broker;

import io.rocklet.api.auth.AccessManagement;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageView;
import io.rocklet.api.RockletException;
import io.rocklet.api.StorageException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.agent.AgentHost;
import io.rocklet.api.agent.Idle;
import io.rocklet.api.spi.AccessService;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.Subscription;
import io.rocklet.api.spi.Transport;
import io.rocklet.broker.internal.AdminService;
import io.rocklet.broker.internal.BrokerAgent;
import io.rocklet.broker.internal.BrokerPositions;
import io.rocklet.broker.internal.ConsumerGroups;
import io.rocklet.broker.metrics.BrokerMetrics;
import io.rocklet.broker.replication.ControllerLink;
import io.rocklet.broker.replication.MetadataSync;
import io.rocklet.broker.replication.Replication;
import io.rocklet.broker.replication.ReplicationStatus;
import io.rocklet.broker.replication.ReopenableStore;
import io.rocklet.broker.internal.DelayLevels;
import io.rocklet.broker.internal.Delays;
import io.rocklet.broker.internal.GroupQueries;
import io.rocklet.broker.internal.MessageQueries;
import io.rocklet.broker.internal.OffsetQueries;
import io.rocklet.broker.internal.OffsetTable;
import io.rocklet.broker.internal.SubscriptionTable;
import io.rocklet.broker.internal.PullService;
import io.rocklet.broker.internal.RecallService;
import io.rocklet.broker.internal.QueueLocks;
import io.rocklet.broker.internal.Replies;
import io.rocklet.broker.internal.RequestChecks;
import io.rocklet.broker.internal.RetryService;
import io.rocklet.broker.internal.RouterRegistrar;
import io.rocklet.broker.internal.ScheduleService;
import io.rocklet.broker.internal.SendService;
import io.rocklet.broker.internal.TopicConfigStore;
import io.rocklet.broker.timer.TimerService;
import io.rocklet.broker.transaction.TransactionService;
import io.rocklet.store.MessageArrivalListener;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.StoreStats;
import io.rocklet.store.ThreadingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * A broker (RocketMQ's model): topics with queues on a {@link MessageStore}, send and pull (long polling: a
 * waiting pull is answered by the store's dispatcher as soon as a message arrives), consumer groups and client
 * liveness, committed offsets kept on the broker, orderly-consumption queue locks, retry and dead-letter topics,
 * delayed delivery by delay level, and transactional messages with check-back ({@link TransactionService}). It
 * serves itself at {@link BrokerConfig#address()} through a {@link Transport} and registers with every router of its
 * configuration.
 *
 * <p>Every {@link BrokerService} call answers with a future, failed with a {@link RockletException} carrying the
 * {@link ErrorCode} (TOPIC_NOT_FOUND, PERMISSION_DENIED, ILLEGAL_TOPIC, MESSAGE_TOO_LARGE, BUSY, CLOSED...); no call
 * throws except {@link #watchGroup}, which has no future. Sends, pulls and admin calls run on the caller's thread;
 * a held pull is answered on the store's dispatcher thread or the broker's agent thread, so dependent stages of a
 * pull's future must be short (or async). Thread-safe.
 */
public final class Broker implements BrokerService, AccessService.Delegating, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final long UNREGISTER_WAIT_MS = 1000;
    private static final long REGISTER_WAIT_MS = 1000;
    /** The agent's back-off when it shares no thread: spin, yield, then park up to 2 ms. */
    private static final Idle AGENT_IDLE = new Idle(10, 10, TimeUnit.MICROSECONDS.toNanos(10),
        TimeUnit.MILLISECONDS.toNanos(2));

    private final BrokerConfig config;
    private volatile BrokerIdentity identity;
    private final ReopenableStore store;
    private final TopicConfigStore topics;
    private final OffsetTable offsets;
    private final SubscriptionTable subscriptions;
    private final OffsetQueries offsetQueries;
    private final QueueLocks locks;
    private final ConsumerGroups groups;
    private final PullService pulls;
    private final SendService sends;
    private final RetryService retries;
    private final BrokerMetrics metrics;
    private final AdminService admin;
    private final GroupQueries groupQueries;
    private final MessageQueries messageQueries;
    private final long startedMs;
    private final ScheduleService schedule;
    private final TimerService timer;
    private final RecallService recalls;
    private final TransactionService transactions;
    private final RouterRegistrar registrar;
    private final Replication replication;
    /** The failover controllers' link, or null for static roles. */
    private final ControllerLink controllerLink;
    /** Runs the broker's agent (and the store's, when given to {@link #start(BrokerConfig, Transport, AgentHost)}). */
    private final AgentHost host;
    /** The host the broker made for itself (closed with it), or null when it was given one. */
    private final AgentHost ownHost;
    private final BrokerAgent agent;
    private volatile AgentHost.Agents agents;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Binding binding;

    /** Forwards the store's arrival events to the pull service and replication once they exist. */
    private static final class ArrivalRelay implements MessageArrivalListener
    {
        private volatile MessageArrivalListener target = NONE;
        private volatile Runnable appended = () -> { };

        @Override
        public void onArrival(final String topic, final int queueId, final long maxOffset)
        {
            target.onArrival(topic, queueId, maxOffset);
            appended.run();
        }
    }

    private Broker(final BrokerConfig config, final Transport transport, final ReopenableStore store,
        final Path dataDirectory, final ArrivalRelay relay, final AgentHost givenHost)
    {
        this.config = config;
        this.store = store;
        this.identity = new BrokerIdentity(config.clusterName(), config.brokerName(), config.brokerId(),
            config.address());
        final boolean fsync = config.storeConfig().fsync();
        final DelayLevels delayLevels = new DelayLevels(config.delayLevels());
        this.topics = TopicConfigStore.load(dataDirectory, fsync, config.clock().time());
        this.offsets = OffsetTable.load(dataDirectory, fsync);
        this.subscriptions = SubscriptionTable.load(dataDirectory, fsync);
        this.schedule = ScheduleService.load(store, delayLevels, config.clock(), dataDirectory, fsync);
        this.timer = TimerService.load(store, config.clock(), dataDirectory, fsync, TimerService.DEFAULT_BUCKET_MS);
        this.locks = new QueueLocks(config.queueLockExpiry().toNanos());
        this.groups = new ConsumerGroups(config.clientExpiry().toNanos(), locks);
        this.offsetQueries = new OffsetQueries(store, offsets, subscriptions, groups);
        this.metrics = BrokerMetrics.create(config.meterRegistry(), config.clusterName(), config.brokerName(),
            new BrokerPositions(store, topics, offsets, groups), store::stats);
        this.pulls = new PullService(store, topics, config.nanoClock(), config.longPollMaxHeld(), metrics);
        final Delays delays = new Delays(delayLevels, config.clock(), config.maxDelay().toMillis());
        this.transactions = TransactionService.load(store, config.clock(), config.brokerName(),
            config.transactions(), this::isMaster, dataDirectory, fsync);
        this.sends = new SendService(store, topics, delays, config.brokerName(), config.maxBodyBytes(),
            config.autoCreateTopicEnable(), config.autoCreateTopicQueues(), config.clock(), transactions, metrics);
        this.retries = new RetryService(store, topics, delayLevels, metrics);
        this.admin = new AdminService(store, topics, offsets, groups, config.brokerName());
        this.groupQueries = new GroupQueries(store, topics, offsets, groups, config.nanoClock(), config.brokerName());
        this.messageQueries = new MessageQueries(store, topics, config.brokerName());
        this.startedMs = config.clock().time();
        this.registrar = new RouterRegistrar(transport, config.routerAddresses(), config.credentials(), identity,
            topics, config.nanoClock(), config.registerInterval().toNanos());
        this.replication = new Replication(config, store, transport,
            new MetadataSync(store, topics, offsets, subscriptions, schedule, timer));
        relay.target = pulls;
        relay.appended = replication::onAppended;
        this.controllerLink = ControllerLink.create(config, transport, replication, registrar,
            new ControllerLink.Roles(this::becomeMaster, this::becomeSlave, this::fence));
        this.recalls = new RecallService(store, List.of(schedule, timer));
        this.agent = new BrokerAgent(config.brokerName(),
            givenHost == null && config.storeConfig().threadingMode() == ThreadingMode.INVOKER ? store : null, pulls,
            List.of(replication.onMaster(schedule), replication.onMaster(timer), transactions), recalls, offsets, subscriptions,
            groups, locks, registrar, config.accessControl(), this::replicationDuties, config.nanoClock(),
            config.offsetPersistInterval().toNanos());
        final boolean invoker = config.threadingMode() == ThreadingMode.INVOKER;
        this.ownHost = givenHost != null && !invoker ? null : AgentHost.start(
            "broker-" + config.brokerName().replaceAll("[^a-zA-Z0-9_.-]", "_"),
            invoker ? AgentHost.ThreadingMode.INVOKER : AgentHost.ThreadingMode.DEDICATED);
        this.host = ownHost != null ? ownHost : givenHost;
    }

    /**
     * Opens the store (recovering it if needed), loads the broker's topics and offsets, serves the broker at
     * {@link BrokerConfig#address()}, registers it with every router and starts its agent.
     *
     * @throws RockletException when the store cannot be opened, the broker files cannot be read or the address is
     *                          already served.
     */
    public static Broker start(final BrokerConfig config, final Transport transport)
    {
        return start(config, transport, null);
    }

    /**
     * Starts a broker as {@link #start(BrokerConfig, Transport)} does, with its agent and its store's agents on
     * {@code host} instead of threads of its own: the host's threading mode replaces the store's
     * {@link StoreConfig#threadingMode()} and a DEDICATED {@link BrokerConfig#threadingMode()}; with INVOKER the broker's
     * agent stays with the caller ({@link #doWork()}, for tests that drive it by hand) while the store's agents run on
     * the host. Closing the broker takes its agents off the host and leaves the host running.
     *
     * @param host the host that runs the agents, or null for threads of the broker's own.
     * @throws RockletException when the store cannot be opened, the broker files cannot be read or the address is
     *                          already served.
     */
    public static Broker start(final BrokerConfig config, final Transport transport, final AgentHost host)
    {
        if (config == null || transport == null)
        {
            throw new InvalidArgumentException("cannot start broker: config=" + config + ", transport=" + transport);
        }
        StoreConfig storeConfig = config.storeConfig();
        Path dataDirectory = config.dataDirectory();
        if (storeConfig.directory() == null)
        {
            final Path directory = temporaryDirectory(config.brokerName());
            storeConfig = storeConfig.toBuilder().directory(directory).build();
            dataDirectory = directory.resolve(BrokerConfig.DEFAULT_DATA_DIRECTORY_NAME);
        }
        final ArrivalRelay relay = new ArrivalRelay();
        final StoreConfig opened = storeConfig.toBuilder()
            .arrivalListener(relay)
            .clock(config.clock())
            .nanoClock(config.nanoClock())
            .build();
        final ReopenableStore store = new ReopenableStore(opened, host, MessageStores.open(opened, host));
        final Broker broker;
        try
        {
            broker = new Broker(config, transport, store, dataDirectory, relay, host);
        }
        catch (final RuntimeException e)
        {
            store.close();
            throw e;
        }
        try
        {
            broker.binding = transport.serve(config.address(), broker, config.accessControl());
            broker.identity = new BrokerIdentity(config.clusterName(), config.brokerName(), config.brokerId(),
                broker.binding.address());
            broker.registrar.identity(broker.identity);
        }
        catch (final RuntimeException e)
        {
            broker.close();
            throw e;
        }
        try
        {
            broker.replication.start(broker.identity.address());
            if (broker.controllerLink != null)
            {
                broker.controllerLink.start(broker.identity.address());
            }
        }
        catch (final RuntimeException e)
        {
            broker.close();
            throw e;
        }
        broker.registrar.registerIfDue();
        broker.startAgent();
        LOG.info("broker started: broker={}, cluster={}, address={}, routers={}, topics={}, dataDir={}",
            config.brokerName(), config.clusterName(), broker.identity.address(), config.routerAddresses(),
            broker.topics.all().size(), dataDirectory);
        return broker;
    }

    private void startAgent()
    {
        agents = host.add(AGENT_IDLE, this::onAgentFailure, agent);
    }

    /**
     * @return the address the broker is served at and registers with the routers: for a network transport asked
     *     for port 0, with the port it bound.
     */
    public String address()
    {
        return identity.address();
    }

    /**
     * @return completes once a router accepted the broker's registration (at once for a broker without routers):
     *     clients find the broker from then on. The standalone server reports itself healthy from then on.
     */
    public CompletableFuture<Void> registered()
    {
        return registrar.firstAccepted();
    }

    /**
     * @return the configuration the broker runs with.
     */
    public BrokerConfig config()
    {
        return config;
    }

    /** A duty that failed because a role change or a seeding reopens the store is retried at the next cycle. */
    private void onAgentFailure(final String role, final Throwable e)
    {
        if (e instanceof ReopenableStore.Reopening)
        {
            LOG.debug("broker agent waits for the store to reopen: broker={}, agent={}, error={}", config.brokerName(),
                role, e.toString());
            return;
        }
        LOG.error("broker agent failed: broker={}, agent={}, error={}", config.brokerName(), role, e.toString(), e);
    }

    /**
     * In {@link ThreadingMode#INVOKER}, runs one duty cycle of the broker agent (and of the store's agents when
     * the store runs in INVOKER mode too and the broker has no given host) on the calling thread. On an INVOKER
     * {@link AgentHost} given to {@link #start(BrokerConfig, Transport, AgentHost)}, runs the broker's agent only
     * ({@link AgentHost#invoke()} runs all).
     *
     * @return the amount of work done.
     * @throws IllegalStateException when the agents run on threads.
     */
    public int doWork()
    {
        if (host.mode() != AgentHost.ThreadingMode.INVOKER)
        {
            throw new IllegalStateException("doWork() is for ThreadingMode.INVOKER; this broker runs " +
                (ownHost != null ? config.threadingMode() : host));
        }
        final AgentHost.Agents started = agents;
        if (closed.get() || started == null)
        {
            throw new ClosedException("broker closed: broker=" + config.brokerName());
        }
        return started.invoke();
    }

    // ---- producing

    @Override
    public CompletableFuture<BrokerIdentity> identity()
    {
        return Replies.supply("identity", () -> identity);
    }

    @Override
    public CompletableFuture<SendResult> send(final SendRequest request)
    {
        return Replies.call("send", () ->
        {
            replication.checkCanAcknowledge("send");
            final SendResult result = sends.send(checkOpen(request));
            replication.onAppended(); // a held slave fetch takes the bytes now, not after the dispatcher
            return replication.whenReplicated(SendService.storedEnd()).thenApply(replicated -> result);
        });
    }

    @Override
    public CompletableFuture<List<SendResult>> sendBatch(final SendBatchRequest request)
    {
        return Replies.call("sendBatch", () ->
        {
            replication.checkCanAcknowledge("sendBatch");
            final List<SendResult> results = sends.sendBatch(checkOpen(request));
            replication.onAppended();
            return replication.whenReplicated(SendService.storedEnd()).thenApply(replicated -> results);
        });
    }

    @Override
    public CompletableFuture<RecallStatus> recall(final RecallRequest request)
    {
        return Replies.call("recall", () ->
        {
            replication.checkMaster("recall"); // the master holds the pending timers; a slave only copies them
            return recalls.recall(checkOpen(request));
        });
    }

    // ---- consuming

    @Override
    public CompletableFuture<PullResult> pull(final PullRequest request)
    {
        return Replies.call("pull", () ->
        {
            if (request != null && request.topic() != null && topics.get(request.topic()) == null)
            {
                // a slave's (or a promoted slave's) topic created on the master after the last metadata copy
                replication.learnTopicsFromLog();
            }
            return pulls.pull(checkOpen(request)).thenApply(replication::suggestReplica);
        });
    }

    // ---- transactions

    /**
     * Answers once the outcome is in the log (and, under SYNC replication, replicated); waits until the store is
     * readable when the half message was stored but is not readable yet.
     */
    @Override
    public CompletableFuture<EndTransactionStatus> endTransaction(final EndTransactionRequest request)
    {
        return Replies.call("endTransaction", () ->
        {
            final EndTransactionRequest checked = checkOpen(request);
            replication.checkCanAcknowledge("endTransaction");
            final CompletableFuture<EndTransactionStatus> ended = transactions.readable(checked) ?
                CompletableFuture.completedFuture(transactions.end(checked)) :
                store.whenReadable().thenApplyAsync(readable -> transactions.end(checked));
            return ended.thenCompose(status ->
                replication.whenReplicated(store.logEndOffset()).thenApply(replicated -> status));
        });
    }

    /**
     * @throws ClosedException          when the broker is closed.
     * @throws InvalidArgumentException when an argument is missing or malformed.
     */
    @Override
    public Subscription watchTransactionChecks(final String producerGroup, final String clientId,
        final Consumer<TransactionCheck> listener)
    {
        RequestChecks.group(checkOpen(producerGroup));
        if (listener == null)
        {
            throw new InvalidArgumentException("illegal transaction check watch: producerGroup=" + producerGroup +
                ", listener=null");
        }
        return transactions.watch(producerGroup, RequestChecks.clientId(clientId), listener);
    }

    @Override
    public CompletableFuture<List<TransactionInfo>> transactions(final String producerGroup)
    {
        return Replies.supply("transactions", () -> transactions.transactions(RequestChecks.group(
            checkOpen(producerGroup))));
    }

    @Override
    public CompletableFuture<Void> heartbeat(final ClientHeartbeat heartbeat)
    {
        return Replies.run("heartbeat", () ->
        {
            RequestChecks.heartbeat(checkOpen(heartbeat));
            for (final ConsumerRegistration registration : heartbeat.consumers())
            {
                if (registration.messageModel() == MessageModel.CLUSTERING)
                {
                    retries.ensureRetryTopic(registration.group()); // before the watchers hear of the member
                }
                subscriptions.record(registration, config.clock().time());
                registration.subscriptions().keySet().forEach(topic -> metrics.consumerSeen(registration.group(),
                    topic));
            }
            groups.heartbeat(heartbeat, config.nanoClock().nanoTime());
        });
    }

    @Override
    public CompletableFuture<Void> unregisterClient(final String clientId, final String group)
    {
        return Replies.run("unregisterClient", () ->
            groups.unregister(RequestChecks.clientId(checkOpen(clientId)), RequestChecks.group(group)));
    }

    @Override
    public CompletableFuture<List<String>> groupMembers(final String group)
    {
        return Replies.supply("groupMembers", () -> groups.members(RequestChecks.group(checkOpen(group))));
    }

    /**
     * @throws ClosedException          when the broker is closed.
     * @throws InvalidArgumentException when an argument is missing or malformed.
     */
    @Override
    public Subscription watchGroup(final String group, final String clientId, final Consumer<GroupEvent> listener)
    {
        RequestChecks.group(checkOpen(group));
        if (listener == null)
        {
            throw new InvalidArgumentException("illegal group watch: group=" + group + ", listener=null");
        }
        return groups.watch(group, clientId, listener);
    }

    @Override
    public CompletableFuture<Void> commitOffsets(final CommitOffsetsRequest request)
    {
        return Replies.run("commitOffsets", () ->
        {
            RequestChecks.commit(checkOpen(request));
            for (final QueueOffset offset : request.offsets())
            {
                offsets.commit(request.group(), offset.topic(), offset.queueId(), offset.offset());
                replication.onCommit(request.group(), offset.topic(), offset.queueId(), offset.offset());
                metrics.consumerSeen(request.group(), offset.topic());
            }
        });
    }

    @Override
    public CompletableFuture<Long> queryOffset(final String group, final String topic, final int queueId)
    {
        return Replies.call("queryOffset", () -> offsetQueries.query(RequestChecks.group(checkOpen(group)), topic,
            queueId));
    }

    /**
     * Answers once every message whose send was acknowledged before the call is readable, so that the max offset
     * counts them all (a consumer starting at it sees no message sent before; the dispatcher is usually there already).
     */
    @Override
    public CompletableFuture<QueueOffsets> queueOffsets(final String topic, final int queueId)
    {
        return Replies.call("queueOffsets", () ->
        {
            admin.queueOffsets(checkOpen(topic), queueId); // fails now on a missing topic
            return store.whenReadable().thenApply(readable -> admin.queueOffsets(topic, queueId));
        });
    }

    /**
     * Searches once every message whose send was acknowledged before the call is readable (see {@link #queueOffsets}):
     * a message stored before the time but not yet dispatched would otherwise be taken for the first one after it.
     */
    @Override
    public CompletableFuture<Long> searchOffset(final String topic, final int queueId, final long timestampMs)
    {
        return Replies.call("searchOffset", () ->
        {
            admin.searchOffset(checkOpen(topic), queueId, timestampMs); // fails now on a missing topic
            return store.whenReadable().thenApply(readable -> admin.searchOffset(topic, queueId, timestampMs));
        });
    }

    @Override
    public CompletableFuture<List<QueueRef>> lockQueues(final LockRequest request)
    {
        return Replies.supply("lockQueues", () -> locks.lock(RequestChecks.group(checkOpen(request).group()),
            RequestChecks.clientId(request.clientId()), request.queues(), config.nanoClock().nanoTime()));
    }

    @Override
    public CompletableFuture<Void> unlockQueues(final LockRequest request)
    {
        return Replies.run("unlockQueues", () -> locks.unlock(RequestChecks.group(checkOpen(request).group()),
            RequestChecks.clientId(request.clientId()), request.queues()));
    }

    @Override
    public CompletableFuture<Void> sendBack(final SendBackRequest request)
    {
        return Replies.run("sendBack", () ->
        {
            replication.checkMaster("sendBack");
            retries.sendBack(checkOpen(request));
        });
    }

    // ---- administration

    /**
     * Answers once the routers know the change (or did not answer within a second), so that the topic is routable
     * when an administrator's call returns.
     */
    @Override
    public CompletableFuture<Void> createOrUpdateTopic(final TopicConfig topic)
    {
        return Replies.run("createOrUpdateTopic", () ->
            {
                replication.checkMaster("createOrUpdateTopic");
                admin.createOrUpdateTopic(checkOpen(topic));
            })
            .thenCompose(done -> registeredWithRouters());
    }

    /**
     * Answers once the store has reset the topic's queues and the routers know the change (or did not answer within
     * a second).
     */
    @Override
    public CompletableFuture<Void> deleteTopic(final String topic)
    {
        return Replies.call("deleteTopic", () ->
            {
                replication.checkMaster("deleteTopic");
                return admin.deleteTopic(checkOpen(topic));
            })
            .thenCompose(done -> registeredWithRouters());
    }

    @Override
    public CompletableFuture<List<TopicConfig>> topics()
    {
        return Replies.supply("topics", () -> topics.all());
    }

    /**
     * Resets once every message whose send was acknowledged before the call is readable (see {@link #queueOffsets}).
     */
    @Override
    public CompletableFuture<Map<Integer, Long>> resetOffsets(final ResetOffsetsRequest request)
    {
        return Replies.call("resetOffsets", () ->
        {
            final ResetOffsetsRequest checked = checkOpen(request);
            replication.checkMaster("resetOffsets");
            return store.whenReadable().thenApply(readable -> admin.resetOffsets(checked));
        });
    }

    @Override
    public CompletableFuture<BrokerStatus> status()
    {
        return Replies.supply("status", () ->
        {
            final StoreStats stats = checkOpen(store).stats();
            final ReplicationStatus lag = replication.status();
            return new BrokerStatus(identity, startedMs, topics.all().size(), groupQueries.consumerGroups().size(),
                groups.clientCount(), stats.dispatchLagBytes(), !stats.fenced() && !stats.diskFull(),
                stats.diskUsedRatio(), timer.pendingByTopic(), schedule.pendingByTopic(), lag.lagBytes(),
                lag.lagMs(), lag.truncatedBytes(), lag.truncatedMessages());
        });
    }

    @Override
    public CompletableFuture<Map<Integer, QueueOffsets>> topicOffsets(final String topic)
    {
        return Replies.call("topicOffsets", () ->
        {
            admin.topicOffsets(checkOpen(topic)); // fails now on a missing topic
            return store.whenReadable().thenApply(readable -> admin.topicOffsets(topic));
        });
    }

    @Override
    public CompletableFuture<List<GroupState>> consumerGroups()
    {
        return Replies.supply("consumerGroups", () -> checkOpen(groupQueries).consumerGroups());
    }

    @Override
    public CompletableFuture<List<QueueConsumeState>> consumerProgress(final String group)
    {
        return Replies.call("consumerProgress", () ->
        {
            groupQueries.checkKnown(RequestChecks.group(checkOpen(group))); // fails now on an unknown group
            return store.whenReadable().thenApply(readable -> groupQueries.consumerProgress(group));
        });
    }

    @Override
    public CompletableFuture<List<MessageView>> messageById(final String messageId)
    {
        return Replies.call("messageById", () ->
        {
            MessageQueries.checkId(checkOpen(messageId)); // fails now on a malformed id
            return store.whenReadable().thenApply(readable -> messageQueries.messageById(messageId));
        });
    }

    @Override
    public CompletableFuture<List<MessageView>> messagesByKey(final KeyQuery query)
    {
        return Replies.call("messagesByKey", () ->
        {
            messageQueries.check(checkOpen(query)); // fails now on a malformed query or a missing topic
            return store.whenReadable().thenApply(readable -> messageQueries.messagesByKey(query));
        });
    }

    // ---- replication

    @Override
    public CompletableFuture<ReplicaFetchResult> fetchReplica(final ReplicaFetchRequest request)
    {
        return Replies.call("fetchReplica", () -> replication.fetch(checkOpen(request)));
    }

    @Override
    public CompletableFuture<ReplicaMetadata> fetchReplicaMetadata(final ReplicaMetadataRequest request)
    {
        return Replies.call("fetchReplicaMetadata", () -> replication.metadata(checkOpen(request)));
    }

    // ---- users and policies (AccessService.Delegating): this broker's own rules, see BrokerConfig/RouterConfig.accessControl

    /**
     * @return this broker's own users and policies ({@code accessControl} of its configuration), which the
     *     {@link io.rocklet.api.spi.AccessService} operations manage.
     */
    @Override
    public AccessService accessService()
    {
        return new AccessManagement(config.accessControl());
    }

    /**
     * @return how many transaction check-backs found no live producer of their group (they wait for the next round).
     */
    public long transactionChecksWaiting()
    {
        return transactions.checksWaiting();
    }

    /**
     * @return this broker's replication: role, epoch, lag (bytes and ms), in-sync replicas, a slave's problem.
     */
    public ReplicationStatus replicationStatus()
    {
        return replication.status();
    }

    /**
     * Role change for a failover controller: this slave becomes its replica set's master. It stops fetching, writes
     * {@code epoch} (above every epoch of its log) at its log end, takes sends, resumes delay deliveries from the
     * progress copied from the old master, and registers with the routers as the master (brokerId 0).
     *
     * @throws RockletException with REPLICA_MISMATCH for an epoch not above the log's last.
     */
    public synchronized void becomeMaster(final long epoch)
    {
        checkOpen(config);
        replication.becomeMaster(epoch);
        replication.learnTopicsFromLog(); // topics the old master created after the last metadata copy
        reidentify();
    }

    /**
     * Role change for a failover controller: this broker (a master, or a slave of another master) follows
     * {@code masterAddress}, whose epoch is {@code epoch}. It refuses sends from now on (NOT_MASTER), then in the
     * background finds where its log last agreed with the new master's epoch history, truncates its tail after that
     * point (copied to the store's quarantine directory first) and fetches from there; it registers as brokerId
     * {@code max(1, configured id)}. Follow it with {@link #replicationStatus()}.
     *
     * @throws RockletException with REPLICA_MISMATCH for an epoch below the log's last, INVALID_ARGUMENT for a bad
     *                          address.
     */
    public synchronized void becomeSlave(final String masterAddress, final long epoch)
    {
        checkOpen(config);
        replication.becomeSlave(masterAddress, epoch, Math.max(1, config.brokerId()));
        reidentify();
    }

    /**
     * Stops taking writes (the failover controllers name no master, or refused this master's epoch) until a role
     * change.
     */
    private synchronized void fence(final String reason)
    {
        checkOpen(config);
        replication.fence(reason);
        reidentify();
    }

    /**
     * Broker agent: replication's duties and, under failover controllers, the heartbeat and role changes.
     */
    private int replicationDuties()
    {
        final ControllerLink link = controllerLink;
        return replication.doWork() + (link == null ? 0 : link.doWork(config.nanoClock().nanoTime()));
    }

    private boolean isMaster()
    {
        return replication != null && replication.isMaster();
    }

    private void reidentify()
    {
        identity = new BrokerIdentity(config.clusterName(), config.brokerName(), replication.currentBrokerId(),
            identity.address());
        registrar.reregister(identity);
    }

    /**
     * On a slave, copies the master's topics, offsets and delay progress now (it also does so every
     * {@code replication.metadataSyncInterval}).
     *
     * @throws RockletException on a master, or with the master's error.
     */
    public void syncMetadataNow()
    {
        replication.syncMetadataNow();
    }

    /**
     * Unregisters from the routers, stops serving and the agent, answers held pulls, persists offsets and closes
     * the store. Idempotent. In INVOKER mode, do not call it while another thread runs {@link #doWork()}.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        final Binding served = binding;
        if (served != null)
        {
            served.close();
            registrar.unregister(UNREGISTER_WAIT_MS);
        }
        final AgentHost.Agents started = agents;
        if (started != null)
        {
            started.close(); // the agent's last duty cycle has ended: nothing below races it
        }
        replication.close();
        pulls.answerAll();
        recalls.close();
        persist("consumer offsets", offsets::persist);
        persist("subscriptions", subscriptions::persist);
        persist("delay offsets", schedule::persist);
        persist("timer checkpoint", timer::persist);
        persist("transaction checkpoint", transactions::persist);
        timer.close();
        metrics.close();
        store.close();
        if (ownHost != null)
        {
            ownHost.close();
        }
        LOG.info("broker closed: broker={}, address={}", config.brokerName(), identity.address());
    }

    @Override
    public String toString()
    {
        return "Broker{" + config.brokerName() + "@" + identity.address() + '}';
    }

    private CompletableFuture<Void> registeredWithRouters()
    {
        return registrar.registerNow().completeOnTimeout(null, REGISTER_WAIT_MS, TimeUnit.MILLISECONDS);
    }

    private void persist(final String what, final IntSupplier write)
    {
        try
        {
            write.getAsInt();
        }
        catch (final RuntimeException e)
        {
            LOG.error("cannot persist at close: broker={}, what={}, error={}", config.brokerName(), what,
                e.toString(), e);
        }
    }

    private <T> T checkOpen(final T argument)
    {
        if (closed.get())
        {
            throw new ClosedException("broker closed: broker=" + config.brokerName());
        }
        if (argument == null)
        {
            throw new InvalidArgumentException("illegal broker request: a required argument is null");
        }
        return argument;
    }

    private static Path temporaryDirectory(final String brokerName)
    {
        try
        {
            return Files.createTempDirectory("rocklet-broker-" + brokerName + "-");
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot create a temporary broker directory: broker=" +
                brokerName, e);
        }
    }
}

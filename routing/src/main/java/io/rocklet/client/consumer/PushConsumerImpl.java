package io.rocklet.client.consumer;

import io.rocklet.api.ConsumeMode;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.client.internal.ClientContext;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The push consumer (RocketMQ's {@code DefaultMQPushConsumer}, with its known faults fixed): calls the
 * listener for each message of its queues, with long polls underneath. It starts in the constructor:
 * fetches the routes of its topics, registers the group in the client's heartbeats, watches the group
 * on the topics' brokers and runs the first rebalance; the constructor returns once the first rebalance
 * has fixed the start offsets of the queues it took (so a LAST consumer receives every message sent
 * after the constructor returns), or after four request timeouts when the brokers are slow.
 *
 * <p>Parts (all package-private, one job each): {@link Rebalancer} (which queues, with {@link AllocateAverage}
 * and {@link GroupWatches}), {@link ProcessQueueTable} (gain, release, reset of queues), {@link PullScheduler}
 * (long polls and flow control), {@link ConcurrentConsumeService} or {@link OrderlyConsumeService} (listener
 * calls, retries), {@link QueueLockRenewer} (clustering: broker queue locks order every hand-over of a queue
 * between members; orderly consumers consume only while locked), {@link RemoteOffsetStore} (clustering) or
 * {@link LocalOffsetStore} (broadcasting). Clustering consumers also consume their group's retry topic
 * {@code %RETRY%<group>}.
 *
 * <p>Threads: the listener runs on up to {@code consumeThreads} threads {@code rocklet-consume-<group>-N}
 * (made on demand, ended when idle); everything else runs on the client's scheduler thread (timers:
 * rebalance every {@code rebalanceInterval}, offset commit every {@code persistOffsetInterval}, lock
 * renewal every 20 s, the consume timeout check every second or {@code consumeTimeout}, whichever is shorter) and in callbacks of broker futures. No thread per queue. Thread-safe.
 */
public final class PushConsumerImpl implements PushConsumer
{
    private static final Logger LOG = LoggerFactory.getLogger(PushConsumerImpl.class);
    private static final Duration LISTENER_WAIT_ON_CLOSE = Duration.ofSeconds(30);
    /** How long a concurrent consumer waits for a gained queue's previous holder to let go of it. */
    private static final long HANDOVER_WAIT_MS = 3000;
    /** How often listener calls are checked against the consume timeout (at most; more often for a short one). */
    private static final long CONSUME_TIMEOUT_CHECK_MS = 1000;

    private final ClientContext context;
    private final PushConsumerConfig config;
    private final ClientExecutor timers;
    private final OffsetStore offsets;
    private final ConsumePool pool;
    private final QueueLockRenewer locks;
    private final PullScheduler pulls;
    private final ProcessQueueTable table;
    private final Rebalancer rebalancer;
    private final ScheduledFuture<?> persistTimer;
    private final ScheduledFuture<?> consumeTimeoutTimer;
    private final Consumer<? super PushConsumerImpl> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Builds and starts the consumer (see the class comment for what "starts" means).
     *
     * @throws io.rocklet.api.RockletException with IO_ERROR when a broadcasting consumer cannot read its
     *     offset file.
     */
    public PushConsumerImpl(final ClientContext context, final PushConsumerConfig config)
    {
        this(context, config, consumer -> { });
    }

    /**
     * Builds and starts the consumer.
     *
     * @param onClose told once, at the end of {@link #close()} (the client frees the group).
     */
    public PushConsumerImpl(final ClientContext context, final PushConsumerConfig config,
        final Consumer<? super PushConsumerImpl> onClose)
    {
        this.context = context;
        this.onClose = onClose;
        this.config = config;
        this.timers = new ClientExecutor(context.scheduler());
        final boolean clustering = config.messageModel() == MessageModel.CLUSTERING;
        final Map<String, MessageSelector> expressions = new LinkedHashMap<>(config.subscriptions());
        if (clustering)
        {
            expressions.put(SystemTopics.retryTopic(config.group()), MessageSelector.all());
        }
        final BrokerCalls brokers = new BrokerCalls(context, timers);
        this.offsets = clustering ? new RemoteOffsetStore(brokers, config.group()) :
            new LocalOffsetStore(config.offsetStoreDirectory(), context.config().instanceName(),
                config.group());
        this.pool = new ConsumePool(config.group(), config.consumeThreads());
        final boolean orderly = config.consumeMode() == ConsumeMode.ORDERLY;
        this.locks = clustering ? new QueueLockRenewer(context, brokers, timers, config.group(), this::heldQueues) :
            null;
        final ListenerInvoker listener = new ListenerInvoker(config.group(), config.listener());
        final Redelivery redelivery = new Redelivery(brokers, config.group());
        final ConsumeService consumers = orderly ?
            new OrderlyConsumeService(config, pool, timers, listener, redelivery, locks) :
            new ConcurrentConsumeService(config, pool, timers, listener, redelivery, context.nanoClock());
        this.pulls = new PullScheduler(context, timers, config, expressions, consumers, this::onBrokerFailed);
        this.table = new ProcessQueueTable(config.group(), timers, offsets,
            new StartOffsets(brokers, offsets, config.consumeFrom(), true), pulls, locks,
            orderly ? Long.MAX_VALUE : HANDOVER_WAIT_MS);
        final List<String> topics = List.copyOf(expressions.keySet());
        this.rebalancer = new Rebalancer(context, brokers, timers, config.group(), config.messageModel(), () -> topics,
            config.rebalanceInterval().toMillis(), table);
        this.persistTimer = timers.every(this::persist, config.persistOffsetInterval().toMillis());
        this.consumeTimeoutTimer = timers.every(() -> consumers.expireOverdue(context.nanoClock().nanoTime()),
            Math.max(1, Math.min(config.consumeTimeout().toMillis(), CONSUME_TIMEOUT_CHECK_MS)));
        if (locks != null)
        {
            locks.start();
        }
        start(brokers, topics, new ConsumerRegistration(config.group(), config.messageModel(), config.consumeFrom(),
            Selectors.describe(expressions), SystemEpochClock.INSTANCE.time()));
    }

    @Override
    public String group()
    {
        return config.group();
    }

    @Override
    public Set<MessageQueue> assignment()
    {
        return table.assignment();
    }

    /**
     * Stops pulling, waits for the listener calls in progress (up to 30 s; not when called from a listener),
     * commits offsets, leaves the group, releases queue locks. Idempotent; never throws (failures are logged).
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        final Duration requestTimeout = context.config().requestTimeout();
        rebalancer.close();
        ClientExecutor.cancel(persistTimer);
        ClientExecutor.cancel(consumeTimeoutTimer);
        if (locks != null)
        {
            locks.close();
        }
        pulls.close();
        final List<ProcessQueue> held = table.closeAll();
        if (!pool.isConsumeThread())
        {
            awaitQuietly(table.quiet(held), LISTENER_WAIT_ON_CLOSE, "waiting for listener calls");
        }
        awaitQuietly(offsets.commit(ProcessQueueTable.committableOffsets(held)), requestTimeout, "committing offsets");
        awaitQuietly(Futures.call(() -> context.unregisterConsumer(config.group())), requestTimeout,
            "leaving the group");
        if (locks != null && !held.isEmpty())
        {
            final List<MessageQueue> queues = new ArrayList<>(held.size());
            held.forEach(queue -> queues.add(queue.queue()));
            awaitQuietly(locks.unlock(queues), requestTimeout, "unlocking queues");
        }
        pool.shutdown();
        onClose.accept(this);
        LOG.info("push consumer closed: group={}, queues={}", config.group(), held.size());
    }

    @Override
    public String toString()
    {
        return "PushConsumer{group=" + config.group() + ", mode=" + config.consumeMode() + ", model=" +
            config.messageModel() + '}';
    }

    private void start(final BrokerCalls brokers, final List<String> topics, final ConsumerRegistration registration)
    {
        final List<CompletableFuture<?>> routes = new ArrayList<>(topics.size());
        for (final String topic : topics)
        {
            routes.add(brokers.bound(Futures.call(() -> context.route(topic)), "route: topic=" + topic)
                .exceptionally(error -> null));
        }
        final CompletableFuture<Void> started = CompletableFuture.allOf(routes.toArray(new CompletableFuture<?>[0]))
            .thenCompose(fetched -> brokers.bound(Futures.call(() -> context.registerConsumer(registration)),
                "registerConsumer: group=" + config.group()))
            .exceptionally(error ->
            {
                LOG.warn("registering the consumer group failed, heartbeats will retry: group={}, error={}",
                    config.group(), Futures.unwrap(error).toString());
                return null;
            })
            .thenCompose(registered -> rebalancer.start());
        if (awaitQuietly(started, context.config().requestTimeout().multipliedBy(4), "starting"))
        {
            LOG.info("push consumer started: group={}, mode={}, model={}, queues={}", config.group(),
                config.consumeMode(), config.messageModel(), table.assignment().size());
        }
    }

    private void onBrokerFailed(final String brokerName)
    {
        rebalancer.brokerFailed(brokerName);
    }

    private List<ProcessQueue> heldQueues()
    {
        return List.copyOf(table.active());
    }

    private void persist()
    {
        if (closed.get())
        {
            return;
        }
        final List<ProcessQueue> held = heldQueues();
        offsets.commit(ProcessQueueTable.committableOffsets(held)).whenComplete((done, error) ->
        {
            if (error != null)
            {
                LOG.warn("committing offsets failed, will retry: group={}, error={}", config.group(),
                    Futures.unwrap(error).toString());
            }
        });
        final long now = context.nanoClock().nanoTime();
        for (final ProcessQueue queue : held)
        {
            pulls.reviveIfStalled(queue, now);
        }
    }

    private boolean awaitQuietly(final CompletableFuture<?> future, final Duration timeout, final String what)
    {
        try
        {
            Futures.await(future, timeout, "push consumer " + what);
            return true;
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("{} did not complete: group={}, error={}", what, config.group(), ex.getMessage());
            return false;
        }
    }
}

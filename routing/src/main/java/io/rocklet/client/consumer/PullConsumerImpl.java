package io.rocklet.client.consumer;

import io.rocklet.api.ClosedException;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.TopicNames;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.client.internal.ClientContext;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The pull consumer (RocketMQ's lite pull consumer): the application subscribes (queues shared by
 * rebalance, clustering or broadcasting, as for the push consumer) or assigns queues (no rebalance,
 * no group membership), then polls. Messages are fetched ahead in the background by long polls, up to
 * {@code pullThresholdForQueue} per queue ({@link FetchBuffers}); {@code poll} returns what is buffered
 * (at most {@code pullBatchSize} per queue, queues taken in turn) or waits for it. Unlike the push
 * consumer, a subscribed pull consumer takes queues over without the broker lock: the application owns
 * its in-flight messages, so a rebalance may redeliver what it polled but had not committed.
 *
 * <p>Offsets: {@link #commit()} commits the position after the messages {@code poll} returned; with
 * auto-commit, the positions reached by one poll count as consumed at the next poll and are committed
 * every {@code autoCommitInterval}, when a queue is lost in rebalance, and on close. Clustering offsets
 * live on the brokers ({@link RemoteOffsetStore}), broadcasting ones in a local file ({@link LocalOffsetStore}).
 * {@code subscribe} and {@code assign} return once the start offsets of the queues taken are fixed
 * (or after four request timeouts), so a LAST consumer sees every message sent after they return.
 *
 * <p>Threads: none of its own. Not thread-safe by contract: one application thread calls it. Its
 * background work (fetch answers, rebalance, the auto-commit timer) runs on the client's scheduler
 * thread and is thread-safe against that application thread.
 */
public final class PullConsumerImpl implements PullConsumer
{
    private static final Logger LOG = LoggerFactory.getLogger(PullConsumerImpl.class);

    /** How often fetches are checked for a lost answer (the push consumer checks on its persist timer). */
    private static final long STALL_CHECK_MS = 1000;

    private final ClientContext context;
    private final PullConsumerConfig config;
    private final ClientExecutor timers;
    private final BrokerCalls brokers;
    private final OffsetStore offsets;
    private final FetchBuffers buffers;
    private final Duration requestTimeout;
    private final Map<String, MessageSelector> subscriptions = new ConcurrentHashMap<>();
    private final Map<MessageQueue, Long> pendingAutoCommit = new HashMap<>();
    private final ScheduledFuture<?> autoCommitTimer;
    private final ScheduledFuture<?> stallTimer;
    private final Consumer<? super PullConsumerImpl> onClose;
    private volatile Rebalancer rebalancer;
    private volatile boolean registered;
    private volatile boolean closed;

    /**
     * Builds the consumer; it reads nothing until {@link #subscribe} or {@link #assign}.
     *
     * @throws io.rocklet.api.RockletException with IO_ERROR when a broadcasting consumer cannot read its
     *     offset file.
     */
    public PullConsumerImpl(final ClientContext context, final PullConsumerConfig config)
    {
        this(context, config, consumer -> { });
    }

    /**
     * Builds the consumer; it reads nothing until {@link #subscribe} or {@link #assign}.
     *
     * @param onClose told once, at the end of {@link #close()} (the client frees the group).
     */
    public PullConsumerImpl(final ClientContext context, final PullConsumerConfig config,
        final Consumer<? super PullConsumerImpl> onClose)
    {
        this.context = context;
        this.onClose = onClose;
        this.config = config;
        this.timers = new ClientExecutor(context.scheduler());
        this.requestTimeout = context.config().requestTimeout();
        this.brokers = new BrokerCalls(context, timers);
        this.offsets = config.messageModel() == MessageModel.CLUSTERING ?
            new RemoteOffsetStore(brokers, config.group()) :
            new LocalOffsetStore(config.offsetStoreDirectory(), context.config().instanceName(),
                config.group());
        this.buffers = new FetchBuffers(context, timers, config.group(),
            new StartOffsets(brokers, offsets, config.consumeFrom(), config.autoCommit()), config.pullBatchSize(),
            config.pullThresholdForQueue(), config.longPollTimeout(), this::onBrokerFailed);
        this.autoCommitTimer = config.autoCommit() ?
            timers.every(this::flushAutoCommit, config.autoCommitInterval().toMillis()) : null;
        this.stallTimer = timers.every(() -> buffers.reviveStalled(context.nanoClock().nanoTime()),
            STALL_CHECK_MS);
    }

    @Override
    public void subscribe(final String topic, final String tagExpression)
    {
        subscribe(topic, MessageSelector.tag(tagExpression));
    }

    @Override
    public void subscribe(final String topic, final MessageSelector expression)
    {
        ensureOpen();
        final long subscribedMs = SystemEpochClock.INSTANCE.time();
        TopicNames.validate(topic);
        if (expression == null)
        {
            throw new InvalidArgumentException("illegal subscription: selector=null, topic=" + topic + ", group=" +
                config.group());
        }
        if (rebalancer == null && !buffers.assignment().isEmpty())
        {
            reassign(queue -> true, List.of());
        }
        final MessageSelector previous = subscriptions.put(topic, expression);
        if (previous != null && !previous.equals(expression))
        {
            reassign(queue -> queue.topic().equals(topic), List.of());
        }
        awaitQuietly(Futures.call(() -> context.route(topic)), "fetching the route of " + topic);
        awaitQuietly(Futures.call(() -> context.registerConsumer(new ConsumerRegistration(config.group(),
            config.messageModel(), config.consumeFrom(), Selectors.describe(subscriptions), subscribedMs))),
            "joining the group");
        registered = true;
        final CompletableFuture<Void> rebalanced;
        final Rebalancer current = rebalancer;
        if (current == null)
        {
            final Rebalancer started = new Rebalancer(context, brokers, timers, config.group(), config.messageModel(),
                () -> List.copyOf(subscriptions.keySet()), config.rebalanceInterval().toMillis(), new Assignee());
            rebalancer = started;
            rebalanced = started.start();
        }
        else
        {
            rebalanced = current.requestRebalance();
        }
        awaitQuietly(rebalanced, "rebalancing");
    }

    @Override
    public void assign(final Collection<MessageQueue> queues)
    {
        ensureOpen();
        if (queues == null || queues.stream().anyMatch(Objects::isNull))
        {
            throw new InvalidArgumentException("assign failed: group=" + config.group() + ", queues=" + queues);
        }
        final Rebalancer current = rebalancer;
        if (current != null)
        {
            rebalancer = null;
            current.close();
        }
        subscriptions.clear();
        if (registered)
        {
            registered = false;
            awaitQuietly(Futures.call(() -> context.unregisterConsumer(config.group())), "leaving the group");
        }
        for (final String topic : queues.stream().map(MessageQueue::topic).distinct().toList())
        {
            // the queues' brokers become known through their topics' routes
            awaitQuietly(Futures.call(() -> context.route(topic)), "fetching the route of " + topic);
        }
        awaitQuietly(reassign(queue -> true, Set.copyOf(queues)), "finding start offsets");
    }

    @Override
    public Set<MessageQueue> assignment()
    {
        return buffers.assignment();
    }

    @Override
    public List<MessageQueue> queues(final String topic)
    {
        ensureOpen();
        return context.readQueues(Futures.await(Futures.call(() -> context.route(topic)), requestTimeout,
            "pull consumer " + config.group() + ": route of " + topic));
    }

    @Override
    public List<ReceivedMessage> poll(final Duration timeout)
    {
        ensureOpen();
        if (config.autoCommit())
        {
            synchronized (pendingAutoCommit) // with the positions, so that an offset reset cannot come in between
            {
                pendingAutoCommit.putAll(buffers.positions());
            }
        }
        return buffers.poll(timeout == null || timeout.isNegative() ? 0 : timeout.toNanos());
    }

    @Override
    public void seek(final MessageQueue queue, final long offset)
    {
        ensureOpen();
        if (offset < 0)
        {
            throw new InvalidArgumentException("seek failed: group=" + config.group() + ", queue=" + queue +
                ", offset=" + offset + " (must be >= 0)");
        }
        if (!buffers.seek(queue, offset))
        {
            throw notAssigned("seek", queue);
        }
    }

    @Override
    public void seekToBeginning(final MessageQueue queue)
    {
        seek(queue, queueOffsets(queue, "seekToBeginning").minOffset());
    }

    @Override
    public void seekToEnd(final MessageQueue queue)
    {
        seek(queue, queueOffsets(queue, "seekToEnd").maxOffset());
    }

    @Override
    public void seekToTimestamp(final MessageQueue queue, final long timestampMs)
    {
        checkAssigned(queue, "seekToTimestamp");
        final long offset = Futures.await(Futures.call(() -> context.broker(queue.brokerName())
            .searchOffset(queue.topic(), queue.queueId(), timestampMs)), requestTimeout,
            "seekToTimestamp: group=" + config.group() + ", queue=" + queue + ", timestampMs=" + timestampMs);
        seek(queue, offset);
    }

    @Override
    public long committed(final MessageQueue queue)
    {
        ensureOpen();
        return Futures.await(offsets.read(queue), requestTimeout,
            "reading the committed offset: group=" + config.group() + ", queue=" + queue);
    }

    @Override
    public void commit()
    {
        ensureOpen();
        final Map<MessageQueue, Long> positions = buffers.positions();
        Futures.await(offsets.commit(positions), requestTimeout,
            "commit: group=" + config.group() + ", queues=" + positions.size());
    }

    @Override
    public void commit(final MessageQueue queue, final long offset)
    {
        ensureOpen();
        if (queue == null || offset < 0)
        {
            throw new InvalidArgumentException("commit failed: group=" + config.group() + ", queue=" + queue +
                ", offset=" + offset + " (queue required, offset >= 0)");
        }
        Futures.await(offsets.commit(Map.of(queue, offset)), requestTimeout,
            "commit: group=" + config.group() + ", queue=" + queue + ", offset=" + offset);
    }

    @Override
    public String group()
    {
        return config.group();
    }

    /**
     * Stops fetching, commits the positions (when auto-committing), leaves the group. Idempotent; never
     * throws (failures are logged).
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        ClientExecutor.cancel(autoCommitTimer);
        ClientExecutor.cancel(stallTimer);
        final Rebalancer current = rebalancer;
        if (current != null)
        {
            current.close();
        }
        final Map<MessageQueue, Long> positions = buffers.close();
        if (config.autoCommit())
        {
            awaitQuietly(offsets.commit(positions), "committing offsets");
        }
        if (registered)
        {
            awaitQuietly(Futures.call(() -> context.unregisterConsumer(config.group())), "leaving the group");
        }
        onClose.accept(this);
        LOG.info("pull consumer closed: group={}, queues={}", config.group(), positions.size());
    }

    @Override
    public String toString()
    {
        return "PullConsumer{group=" + config.group() + ", model=" + config.messageModel() + '}';
    }

    /**
     * Makes the queues in {@code scope} exactly {@code target}; commits the dropped queues' positions when
     * auto-committing.
     */
    private CompletableFuture<Void> reassign(final Predicate<MessageQueue> scope,
        final Collection<MessageQueue> target)
    {
        final Map<MessageQueue, Long> released = new HashMap<>();
        final CompletableFuture<Void> started = buffers.assign(scope, target,
            topic -> subscriptions.getOrDefault(topic, MessageSelector.all()), released);
        if (config.autoCommit() && !released.isEmpty())
        {
            synchronized (pendingAutoCommit)
            {
                pendingAutoCommit.keySet().removeAll(released.keySet());
            }
            offsets.commit(released).whenComplete((done, error) ->
            {
                if (error != null)
                {
                    LOG.warn("committing released queues failed: group={}, queues={}, error={}", config.group(),
                        released.keySet(), Futures.unwrap(error).toString());
                }
            });
        }
        return started;
    }

    private void onBrokerFailed(final String brokerName)
    {
        final Rebalancer current = rebalancer;
        if (current != null)
        {
            current.brokerFailed(brokerName);
        }
    }

    private void flushAutoCommit()
    {
        final Map<MessageQueue, Long> due;
        synchronized (pendingAutoCommit)
        {
            if (pendingAutoCommit.isEmpty() || closed)
            {
                return;
            }
            due = Map.copyOf(pendingAutoCommit);
            pendingAutoCommit.clear();
        }
        offsets.commit(due).whenComplete((done, error) ->
        {
            if (error != null)
            {
                LOG.warn("auto-commit failed, will retry: group={}, error={}", config.group(),
                    Futures.unwrap(error).toString());
                synchronized (pendingAutoCommit)
                {
                    due.forEach(pendingAutoCommit::putIfAbsent);
                }
            }
        });
    }

    private BrokerService.QueueOffsets queueOffsets(final MessageQueue queue, final String what)
    {
        checkAssigned(queue, what);
        return Futures.await(Futures.call(() -> context.broker(queue.brokerName())
            .queueOffsets(queue.topic(), queue.queueId())), requestTimeout,
            what + ": group=" + config.group() + ", queue=" + queue);
    }

    private void checkAssigned(final MessageQueue queue, final String what)
    {
        ensureOpen();
        if (queue == null || !buffers.contains(queue))
        {
            throw notAssigned(what, queue);
        }
    }

    private InvalidArgumentException notAssigned(final String what, final MessageQueue queue)
    {
        return new InvalidArgumentException(what + " failed: queue not assigned: group=" + config.group() +
            ", queue=" + queue + ", assignment=" + buffers.assignment());
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new ClosedException("pull consumer closed: group=" + config.group());
        }
    }

    private void awaitQuietly(final CompletableFuture<?> future, final String what)
    {
        try
        {
            Futures.await(future, requestTimeout.multipliedBy(4), "pull consumer " + what);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("{} did not complete: group={}, error={}", what, config.group(), ex.getMessage());
        }
    }

    /**
     * Applies rebalance results (on the client's scheduler thread).
     */
    private final class Assignee implements Rebalancer.Assignee
    {
        @Override
        public CompletableFuture<Void> assign(final String topic, final List<MessageQueue> queues)
        {
            return reassign(queue -> queue.topic().equals(topic), queues);
        }

        @Override
        public void resetOffsets(final String brokerName, final String topic, final Map<Integer, Long> reset)
        {
            final Map<MessageQueue, Long> restarted;
            synchronized (pendingAutoCommit)
            {
                restarted = buffers.resetOffsets(brokerName, topic, reset);
                pendingAutoCommit.keySet().removeAll(restarted.keySet());
            }
            // commit the new offsets again: a commit of the old positions may have reached the broker after the reset
            final Map<MessageQueue, Long> known = new HashMap<>(restarted);
            known.values().removeIf(offset -> offset < 0);
            offsets.commit(known).whenComplete((done, error) ->
            {
                if (error != null)
                {
                    LOG.warn("committing reset offsets failed: group={}, queues={}, error={}", config.group(),
                        known.keySet(), Futures.unwrap(error).toString());
                }
            });
        }
    }
}

package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.MessageView;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.client.internal.ClientContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The fetching side of a pull consumer: for each assigned queue a {@link FetchQueue}, filled in the
 * background by long-poll pulls up to {@code pullThresholdForQueue} messages, and drained by
 * {@link #poll}, which waits on a condition (no busy loop) until messages arrive or its timeout ends.
 * A queue starts at its committed offset or per {@code consumeFrom} ({@link StartOffsets}); a seek or an
 * offset reset moves it and drops what was fetched. Tags are checked exactly here; a message filtered out
 * counts as consumed (the position moves past it once the buffer is drained).
 *
 * <p>Threads: the application thread polls and seeks; fetch answers and timers run on the client's
 * scheduler thread. One lock guards every FetchQueue and the map; broker calls are made outside it.
 */
final class FetchBuffers
{
    private static final Logger LOG = LoggerFactory.getLogger(FetchBuffers.class);
    static final long LONG_POLL_MS = 15_000;
    private static final long RETRY_MS = 1000;

    private final ClientContext context;
    private final ClientExecutor timers;
    private final String group;
    private final StartOffsets starts;
    private final Consumer<String> brokerFailed;
    private final int batchSize;
    private final int threshold;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Map<MessageQueue, FetchQueue> queues = new LinkedHashMap<>();
    private int rotation;
    private boolean closed;

    /**
     * @param brokerFailed told the name of a broker that did not answer a fetch.
     */
    FetchBuffers(final ClientContext context, final ClientExecutor timers, final String group,
        final StartOffsets starts, final int batchSize, final int threshold, final Consumer<String> brokerFailed)
    {
        this.context = context;
        this.timers = timers;
        this.group = group;
        this.starts = starts;
        this.brokerFailed = brokerFailed;
        this.batchSize = batchSize;
        this.threshold = threshold;
    }

    /**
     * Makes the queues within {@code scope} exactly {@code target}: drops the others, starts the new ones.
     *
     * @param expression selector of a topic.
     * @param released   receives the positions of the queues dropped.
     * @return completes when the new queues know their start offsets (or failed to find them).
     */
    CompletableFuture<Void> assign(final Predicate<MessageQueue> scope, final Collection<MessageQueue> target,
        final Function<String, MessageSelector> expression, final Map<MessageQueue, Long> released)
    {
        final List<CompletableFuture<Void>> started = new ArrayList<>();
        lock.lock();
        try
        {
            if (closed)
            {
                return Futures.done();
            }
            for (final FetchQueue queue : List.copyOf(queues.values()))
            {
                if (scope.test(queue.queue) && !target.contains(queue.queue))
                {
                    queue.removed = true;
                    queues.remove(queue.queue);
                    if (queue.position >= 0)
                    {
                        released.put(queue.queue, queue.position);
                    }
                }
            }
            for (final MessageQueue mq : target)
            {
                if (!queues.containsKey(mq))
                {
                    final FetchQueue queue = new FetchQueue(mq, expression.apply(mq.topic()));
                    queues.put(mq, queue);
                    started.add(resolveStart(queue));
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        return CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * The group's offsets on {@code brokerName} were reset: the queues concerned restart from the new offsets
     * (when the reset named them), else from the broker's committed offsets.
     *
     * @param topic   the topic reset, or null for every queue of the broker.
     * @param offsets queue id to new offset of {@code topic}; empty to read the committed offsets.
     * @return the queues restarted, with their new offset (-1 while it is being read).
     */
    Map<MessageQueue, Long> resetOffsets(final String brokerName, final String topic, final Map<Integer, Long> offsets)
    {
        final Map<MessageQueue, Long> restarted = new HashMap<>();
        lock.lock();
        try
        {
            for (final FetchQueue queue : queues.values())
            {
                final MessageQueue mq = queue.queue;
                if (!mq.brokerName().equals(brokerName) || (topic != null && !mq.topic().equals(topic)))
                {
                    continue;
                }
                final Long offset = offsets.isEmpty() ? Long.valueOf(-1) : offsets.get(mq.queueId());
                if (offset == null)
                {
                    continue;
                }
                queue.reposition(offset);
                restarted.put(mq, offset);
                if (offset < 0)
                {
                    resolveStart(queue);
                }
                else
                {
                    fetch(queue);
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        return restarted;
    }

    /**
     * @return false when {@code queue} is not assigned.
     */
    boolean seek(final MessageQueue queue, final long offset)
    {
        lock.lock();
        try
        {
            final FetchQueue state = queues.get(queue);
            if (state == null)
            {
                return false;
            }
            state.reposition(offset);
            fetch(state);
            return true;
        }
        finally
        {
            lock.unlock();
        }
    }

    boolean contains(final MessageQueue queue)
    {
        lock.lock();
        try
        {
            return queues.containsKey(queue);
        }
        finally
        {
            lock.unlock();
        }
    }

    Set<MessageQueue> assignment()
    {
        lock.lock();
        try
        {
            return Set.copyOf(queues.keySet());
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return each queue's position (the offset after the last message polled), for queues that have one.
     */
    Map<MessageQueue, Long> positions()
    {
        lock.lock();
        try
        {
            final Map<MessageQueue, Long> positions = new HashMap<>();
            for (final FetchQueue queue : queues.values())
            {
                if (queue.position >= 0)
                {
                    positions.put(queue.queue, queue.position);
                }
            }
            return positions;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code pullBatchSize} messages from each queue, waiting up to {@code timeoutNanos} for
     * the first to arrive.
     */
    List<ReceivedMessage> poll(final long timeoutNanos)
    {
        final List<ReceivedMessage> polled = new ArrayList<>();
        long remaining = timeoutNanos;
        lock.lock();
        try
        {
            while (!closed)
            {
                drain(polled);
                if (!polled.isEmpty() || remaining <= 0)
                {
                    break;
                }
                remaining = arrived.awaitNanos(remaining);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            lock.unlock();
        }
        return polled;
    }

    /**
     * Stops fetching and forgets every queue. Idempotent.
     *
     * @return the positions at the time of closing.
     */
    Map<MessageQueue, Long> close()
    {
        final Map<MessageQueue, Long> positions = positions();
        lock.lock();
        try
        {
            closed = true;
            for (final FetchQueue queue : queues.values())
            {
                queue.removed = true;
            }
            queues.clear();
            arrived.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        return positions;
    }

    private void drain(final List<ReceivedMessage> polled)
    {
        final List<FetchQueue> states = new ArrayList<>(queues.values());
        final int count = states.size();
        for (int i = 0; i < count; i++)
        {
            final FetchQueue queue = states.get((rotation + i) % count);
            for (int taken = 0; taken < batchSize && !queue.buffer.isEmpty(); taken++)
            {
                final ReceivedMessageImpl message = queue.buffer.poll();
                polled.add(message);
                queue.position = message.queueOffset() + 1;
            }
            if (queue.buffer.isEmpty() && queue.fetchOffset >= 0)
            {
                queue.position = queue.fetchOffset;
            }
            fetch(queue);
        }
        rotation = count == 0 ? 0 : (rotation + 1) % count;
    }

    private CompletableFuture<Void> resolveStart(final FetchQueue queue)
    {
        final int epoch = queue.epoch;
        return starts.resolve(queue.queue).handleAsync((offset, error) ->
        {
            lock.lock();
            try
            {
                if (queue.removed || queue.epoch != epoch || closed)
                {
                    return null;
                }
                if (error != null)
                {
                    LOG.warn("finding a queue's start offset failed, will retry: group={}, queue={}, error={}", group,
                        queue.queue, Futures.unwrap(error).toString());
                    refreshRoute(queue.queue.topic());
                    timers.schedule(() -> retryStart(queue, epoch), RETRY_MS);
                    return null;
                }
                queue.reposition(offset);
                fetch(queue);
                return null;
            }
            finally
            {
                lock.unlock();
            }
        }, timers);
    }

    private void retryStart(final FetchQueue queue, final int epoch)
    {
        lock.lock();
        try
        {
            if (!queue.removed && queue.epoch == epoch && !closed)
            {
                resolveStart(queue);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Sends a fetch for {@code queue} when it has room and none is in flight. Call with the lock held.
     */
    private void fetch(final FetchQueue queue)
    {
        if (closed || queue.removed || queue.fetching || queue.fetchOffset < 0 || queue.buffer.size() >= threshold)
        {
            return;
        }
        queue.fetching = true;
        final int epoch = queue.epoch;
        final MessageQueue mq = queue.queue;
        final PullRequest request = new PullRequest(group, mq.topic(), mq.queueId(), queue.fetchOffset,
            Math.min(batchSize, threshold - queue.buffer.size()), queue.selector, LONG_POLL_MS);
        timers.execute(() -> Futures.call(() -> context.pullBroker(mq).pull(request))
            .whenCompleteAsync((result, error) ->
            {
                if (result != null)
                {
                    context.suggestBroker(mq, result.suggestedBrokerId());
                }
                onFetched(queue, epoch, request, result, error);
            }, timers));
    }

    private void onFetched(final FetchQueue queue, final int epoch, final PullRequest request, final PullResult result,
        final Throwable error)
    {
        lock.lock();
        try
        {
            if (queue.removed || queue.epoch != epoch || closed)
            {
                return;
            }
            queue.fetching = false;
            if (error != null)
            {
                onFetchFailed(queue, epoch, error);
                return;
            }
            queue.failures = 0;
            switch (result.status())
            {
                case FOUND ->
                {
                    for (final MessageView view : result.messages())
                    {
                        if (view.queueOffset() >= request.offset() && queue.selector.matches(view))
                        {
                            queue.buffer.add(new ReceivedMessageImpl(view, queue.queue));
                        }
                    }
                    queue.fetchOffset = Math.max(result.nextOffset(), request.offset());
                    arrived.signalAll();
                }
                case NO_NEW_MESSAGES, NO_MATCHED_MESSAGE ->
                    queue.fetchOffset = Math.max(result.nextOffset(), request.offset());
                case OFFSET_TOO_OLD, OFFSET_OVERFLOW ->
                {
                    LOG.warn("fetch offset out of range, moving on: group={}, queue={}, status={}, offset={}, " +
                        "nextOffset={}", group, queue.queue, result.status(), request.offset(), result.nextOffset());
                    queue.fetchOffset = result.nextOffset();
                }
            }
            fetch(queue);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Fetches the topic's route again in the background, so that the next attempt knows the queue's broker (an
     * assigned queue may name a broker no route of this client mentioned yet, or one that moved).
     */
    private void refreshRoute(final String topic)
    {
        context.invalidateRoute(topic);
        Futures.call(() -> context.route(topic)).exceptionally(error ->
        {
            LOG.debug("fetching a route failed: group={}, topic={}, error={}", group, topic,
                Futures.unwrap(error).toString());
            return null;
        });
    }

    private void onFetchFailed(final FetchQueue queue, final int epoch, final Throwable error)
    {
        if (++queue.failures == 1)
        {
            LOG.warn("fetch failed, backing off: group={}, queue={}, error={}", group, queue.queue,
                Futures.unwrap(error).toString());
        }
        refreshRoute(queue.queue.topic());
        if (Futures.unavailable(error))
        {
            brokerFailed.accept(queue.queue.brokerName());
        }
        timers.schedule(() ->
        {
            lock.lock();
            try
            {
                if (queue.epoch == epoch)
                {
                    fetch(queue);
                }
            }
            finally
            {
                lock.unlock();
            }
        }, RETRY_MS);
    }
}

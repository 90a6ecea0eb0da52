package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.client.internal.ClientContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
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
 * <p>Fetches are the {@link QueueFetcher}'s (shared with the push consumer): the long-poll timeout, the answer's
 * meaning, back-off after a failure and a second fetch when an answer is lost ({@link #reviveStalled}).
 *
 * <p>Threads: the application thread polls and seeks; timers run on the client's scheduler thread, fetch answers
 * there or on the thread that answered a held fetch. One lock guards every FetchQueue and the map; broker calls are
 * made outside it (on the scheduler).
 */
final class FetchBuffers
{
    private static final Logger LOG = LoggerFactory.getLogger(FetchBuffers.class);

    private final ClientExecutor timers;
    private final QueueFetcher fetcher;
    private final QueueFetcher.Answers<FetchQueue> answers = new Answers();
    private final String group;
    private final StartOffsets starts;
    private final int batchSize;
    private final int threshold;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Map<MessageQueue, FetchQueue> queues = new LinkedHashMap<>();
    private int rotation;
    private boolean closed;

    /**
     * @param longPoll     how long the broker holds a fetch that finds nothing.
     * @param brokerFailed told the name of a broker that did not answer a fetch.
     */
    FetchBuffers(final ClientContext context, final ClientExecutor timers, final String group,
        final StartOffsets starts, final int batchSize, final int threshold, final Duration longPoll,
        final Consumer<String> brokerFailed)
    {
        this.timers = timers;
        this.fetcher = new QueueFetcher(context, timers, group, longPoll, brokerFailed);
        this.group = group;
        this.starts = starts;
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
                    fetcher.refreshRoute(queue.queue.topic());
                    timers.schedule(() -> retryStart(queue, epoch), QueueFetcher.RETRY_MS);
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
     * Sends again the fetches whose answers are overdue (a lost answer must not stall a queue).
     */
    void reviveStalled(final long nowNanos)
    {
        lock.lock();
        try
        {
            for (final FetchQueue queue : queues.values())
            {
                if (!closed && !queue.removed && fetcher.abandonIfStalled(queue, nowNanos))
                {
                    fetch(queue);
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Sends a fetch for {@code queue} when it has room and none is in flight. Call with the lock held: the broker is
     * called on the scheduler, outside it.
     */
    private void fetch(final FetchQueue queue)
    {
        if (closed || queue.removed || queue.slot.inFlight() || queue.fetchOffset < 0 ||
            queue.buffer.size() >= threshold)
        {
            return;
        }
        fetcher.fetch(queue, queue.fetchOffset, Math.min(batchSize, threshold - queue.buffer.size()), queue.selector,
            answers, timers);
    }

    /**
     * A fetch's answer, under the lock; answers to fetches from before a seek or reset never get here (the slot
     * abandoned them).
     */
    private final class Answers implements QueueFetcher.Answers<FetchQueue>
    {
        @Override
        public void exclusively(final FetchQueue queue, final Runnable handling)
        {
            lock.lock();
            try
            {
                handling.run();
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        public void found(final FetchQueue queue, final List<ReceivedMessageImpl> accepted, final long nextOffset)
        {
            lock.lock();
            try
            {
                if (queue.removed || closed)
                {
                    return;
                }
                queue.buffer.addAll(accepted);
                queue.fetchOffset = nextOffset;
                arrived.signalAll();
                fetch(queue);
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        public void moved(final FetchQueue queue, final long nextOffset)
        {
            lock.lock();
            try
            {
                if (queue.removed || closed)
                {
                    return;
                }
                queue.fetchOffset = nextOffset;
                fetch(queue);
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        public void failed(final FetchQueue queue)
        {
            timers.schedule(() ->
            {
                lock.lock();
                try
                {
                    fetch(queue);
                }
                finally
                {
                    lock.unlock();
                }
            }, QueueFetcher.RETRY_MS);
        }
    }
}

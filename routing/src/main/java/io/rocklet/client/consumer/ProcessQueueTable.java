package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queues a push consumer holds, and their life cycle as assignments change.
 *
 * <ul>
 *   <li>Gained queue: waits until this consumer's previous holder of it (if any) is retired, takes the
 *       broker lock (clustering; a concurrent consumer gives up waiting after {@code lockWaitMs}), resolves
 *       the start offset ({@link StartOffsets}), then pulls. A failed start is retried every second while
 *       the queue stays assigned.</li>
 *   <li>Lost queue: stops pulling and starting listener calls, waits for the calls in progress, commits
 *       its offset, releases its lock (clustering); then it is retired. The lock orders the hand-over: the
 *       member gaining the queue reads the offset committed here, so a rebalance redelivers nothing (unless
 *       the previous holder is dead or slower than the wait).</li>
 *   <li>Offsets reset on a broker: each queue reset is discarded (no commit) and started again in place,
 *       once the discarded one is idle (so an orderly queue still never runs two calls at once), from the
 *       new offset the reset reported - committed again at the restart, since a commit of the old position
 *       may have reached the broker after the reset - or, when the reset named no offsets, from the
 *       broker's committed offset.</li>
 * </ul>
 *
 * <p>Threads: {@link #assign}, {@link #resetOffsets} and {@link #closeAll} change the table under this
 * object's monitor (the rebalance runs them on the client's scheduler; close on the application's
 * thread); the maps are concurrent so that the pull, persist and lock paths read them freely.
 */
final class ProcessQueueTable implements Rebalancer.Assignee
{
    private static final Logger LOG = LoggerFactory.getLogger(ProcessQueueTable.class);
    private static final long START_RETRY_MS = 1000;
    private static final long NOT_RESET = Long.MIN_VALUE;

    private final String group;
    private final ClientExecutor timers;
    private final OffsetStore offsets;
    private final StartOffsets starts;
    private final PullScheduler pulls;
    private final QueueLockRenewer locks;
    private final long lockWaitMs;
    private final Map<MessageQueue, ProcessQueue> active = new ConcurrentHashMap<>();
    private final Map<MessageQueue, ProcessQueue> retiring = new ConcurrentHashMap<>();
    private boolean closed;

    /**
     * @param locks      the lock holder of a clustering consumer, else null.
     * @param lockWaitMs how long a gained queue waits for its lock before starting without it
     *                   ({@link Long#MAX_VALUE}: orderly, never starts without it).
     */
    ProcessQueueTable(final String group, final ClientExecutor timers, final OffsetStore offsets,
        final StartOffsets starts, final PullScheduler pulls, final QueueLockRenewer locks, final long lockWaitMs)
    {
        this.lockWaitMs = lockWaitMs;
        this.group = group;
        this.timers = timers;
        this.offsets = offsets;
        this.starts = starts;
        this.pulls = pulls;
        this.locks = locks;
    }

    @Override
    public synchronized CompletableFuture<Void> assign(final String topic, final List<MessageQueue> queues)
    {
        if (closed)
        {
            return Futures.done();
        }
        final Set<MessageQueue> target = new HashSet<>(queues);
        for (final ProcessQueue queue : List.copyOf(active.values()))
        {
            if (queue.queue().topic().equals(topic) && !target.contains(queue.queue()))
            {
                release(queue);
            }
        }
        final List<CompletableFuture<Void>> started = new ArrayList<>();
        for (final MessageQueue queue : queues)
        {
            if (!active.containsKey(queue))
            {
                final ProcessQueue previous = retiring.get(queue);
                final ProcessQueue gained = new ProcessQueue(queue,
                    previous == null ? Futures.done() : previous.retired());
                active.put(queue, gained);
                LOG.info("queue gained: group={}, queue={}", group, queue);
                started.add(start(gained, -1));
            }
        }
        return CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public synchronized void resetOffsets(final String brokerName, final String topic,
        final Map<Integer, Long> offsets)
    {
        if (closed)
        {
            return;
        }
        for (final ProcessQueue queue : List.copyOf(active.values()))
        {
            final long offset = resetOffset(queue.queue(), brokerName, topic, offsets);
            if (offset != NOT_RESET)
            {
                queue.discard();
                CompletableFuture.allOf(queue.idle(), queue.predecessorRetired())
                    .whenComplete((done, error) -> queue.retired().complete(null));
                final ProcessQueue restarted = new ProcessQueue(queue.queue(), queue.retired());
                active.put(queue.queue(), restarted);
                start(restarted, offset);
            }
        }
        for (final ProcessQueue queue : retiring.values())
        {
            if (resetOffset(queue.queue(), brokerName, topic, offsets) != NOT_RESET)
            {
                queue.discard();
            }
        }
    }

    /**
     * @return the offset a reset gives {@code queue}: {@link #NOT_RESET} when the reset does not concern it,
     *     -1 when it concerns it without naming an offset (read the broker's).
     */
    private static long resetOffset(final MessageQueue queue, final String brokerName, final String topic,
        final Map<Integer, Long> offsets)
    {
        if (!queue.brokerName().equals(brokerName) || (topic != null && !queue.topic().equals(topic)))
        {
            return NOT_RESET;
        }
        if (offsets.isEmpty())
        {
            return -1;
        }
        final Long offset = offsets.get(queue.queueId());
        return offset == null ? NOT_RESET : offset;
    }

    /**
     * Drops every queue (no pull, no new listener call) and takes no more assignments. Idempotent.
     *
     * @return the queues that were held; commit and unlock them once {@link #quiet} completes.
     */
    synchronized List<ProcessQueue> closeAll()
    {
        closed = true;
        final List<ProcessQueue> held = List.copyOf(active.values());
        active.clear();
        for (final ProcessQueue queue : held)
        {
            queue.drop();
        }
        return held;
    }

    /**
     * @return completes when {@code queues} are idle and every queue being released is retired.
     */
    CompletableFuture<Void> quiet(final Collection<ProcessQueue> queues)
    {
        final List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (final ProcessQueue queue : queues)
        {
            waits.add(queue.idle());
        }
        for (final ProcessQueue queue : retiring.values())
        {
            waits.add(queue.retired());
        }
        return CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * @return the queues held now (some may still be starting).
     */
    Collection<ProcessQueue> active()
    {
        return active.values();
    }

    Set<MessageQueue> assignment()
    {
        return Set.copyOf(active.keySet());
    }

    /**
     * @return the committable offset of each started, not dropped queue among {@code queues}.
     */
    static Map<MessageQueue, Long> committableOffsets(final Collection<ProcessQueue> queues)
    {
        final Map<MessageQueue, Long> result = new HashMap<>();
        for (final ProcessQueue queue : queues)
        {
            if (!queue.discarded() && queue.started())
            {
                result.put(queue.queue(), queue.committableOffset());
            }
        }
        return result;
    }

    /**
     * @param knownOffset where to start (committed first), or -1 to find it with {@link StartOffsets#resolve}.
     * @return completes when the queue has started, or failed to, or found its lock held by another member.
     */
    private CompletableFuture<Void> start(final ProcessQueue queue, final long knownOffset)
    {
        final CompletableFuture<Void> settled = new CompletableFuture<>();
        queue.predecessorRetired()
            .thenComposeAsync(ready -> locks != null ? locks.acquire(queue, lockWaitMs, () -> settled.complete(null)) :
                CompletableFuture.completedFuture(true), timers)
            .thenCompose(locked ->
            {
                if (!locked)
                {
                    LOG.info("starting a queue without its lock, its previous holder did not let go in time: " +
                        "group={}, queue={}, waitMs={}", group, queue.queue(), lockWaitMs);
                }
                return knownOffset >= 0 ? starts.restartAt(queue.queue(), knownOffset) : starts.resolve(queue.queue());
            })
            .thenAcceptAsync(offset -> begin(queue, offset), timers)
            .exceptionally(error ->
            {
                if (!queue.dropped())
                {
                    LOG.warn("starting a queue failed, will retry: group={}, queue={}, error={}", group,
                        queue.queue(), Futures.unwrap(error).toString());
                    timers.schedule(() -> start(queue, knownOffset), START_RETRY_MS);
                }
                return null;
            })
            .whenComplete((done, error) -> settled.complete(null));
        return settled;
    }

    private void begin(final ProcessQueue queue, final long offset)
    {
        if (queue.dropped())
        {
            return;
        }
        queue.start(offset);
        LOG.info("queue started: group={}, queue={}, offset={}", group, queue.queue(), offset);
        pulls.start(queue);
    }

    private void release(final ProcessQueue queue)
    {
        final MessageQueue mq = queue.queue();
        active.remove(mq, queue);
        queue.drop();
        retiring.put(mq, queue);
        CompletableFuture.allOf(queue.idle(), queue.predecessorRetired())
            .thenComposeAsync(idle -> queue.discarded() || !queue.started() ? Futures.done() :
                offsets.commit(Map.of(mq, queue.committableOffset())), timers)
            .exceptionally(error ->
            {
                LOG.warn("committing a lost queue's offset failed: group={}, queue={}, error={}", group, mq,
                    Futures.unwrap(error).toString());
                return null;
            })
            .thenCompose(committed -> locks != null ? locks.unlock(List.of(mq)) : Futures.done())
            .exceptionally(error ->
            {
                LOG.warn("unlocking a lost queue failed (its lock will expire): group={}, queue={}, error={}", group,
                    mq, Futures.unwrap(error).toString());
                return null;
            })
            .whenComplete((done, error) ->
            {
                retiring.remove(mq, queue);
                queue.retired().complete(null);
                LOG.info("queue released: group={}, queue={}", group, mq);
            });
    }
}

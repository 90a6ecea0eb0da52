package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One queue as a push consumer holds it: the messages pulled and not yet finished, sorted by queue
 * offset, with their count and body bytes (flow control), the listener calls in progress, where the
 * next pull starts and, for orderly consumption, whether a batch is under way and the queue lock's
 * state.
 *
 * <p>The committable offset is the lowest offset still held (pulled but not acknowledged), or the
 * offset after the last pull when nothing is held: only what listeners acknowledged is ever committed.
 *
 * <p>Life cycle: made by the {@link ProcessQueueTable} when the queue is gained, started once its
 * start offset is known, dropped when the queue is lost (or discarded when the group's offsets were
 * reset), {@link #idle() idle} once dropped with no call in progress, and {@link #retired() retired}
 * once its final offset is committed and its lock released.
 *
 * <p>Threads: the pull path adds messages, consume threads take, remove and count calls, the rebalance
 * path drops it, the lock holder records the lock. Messages, offsets, call counts and pull state are
 * guarded by this object's monitor; the dropped and discarded flags (written under it) and the lock state
 * (written by the lock holder's callbacks) are volatile, so that hot paths read them without the monitor.
 */
final class ProcessQueue implements QueueFetcher.Target
{
    /** How long a lock stays valid on this side after the broker granted or renewed it. */
    static final long LOCK_VALID_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final MessageQueue queue;
    private final CompletableFuture<Void> predecessorRetired;
    private final TreeMap<Long, ReceivedMessageImpl> messages = new TreeMap<>();
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private final CompletableFuture<Void> retired = new CompletableFuture<>();
    private long bodyBytes;
    private long nextOffset = -1;
    private long lastBegunOffset = -1;
    private int callsInProgress;
    private boolean consuming;
    private final FetchSlot slot = new FetchSlot();
    private List<ReceivedMessageImpl> retryBatch;
    private Runnable resumeWhenDrained;
    private int resumeAtMessages;
    private long resumeAtBytes;
    private volatile boolean dropped;
    private volatile boolean discarded;
    private volatile boolean locked;
    private volatile long lockedAtNanos;

    /**
     * @param predecessorRetired completes when the previous holder of the same queue in this consumer (lost,
     *                           or discarded by an offset reset) is retired; this one starts only after it.
     */
    ProcessQueue(final MessageQueue queue, final CompletableFuture<Void> predecessorRetired)
    {
        this.queue = queue;
        this.predecessorRetired = predecessorRetired;
    }

    ProcessQueue(final MessageQueue queue)
    {
        this(queue, Futures.done());
    }

    @Override
    public MessageQueue queue()
    {
        return queue;
    }

    // ---- offsets

    /**
     * Sets where pulling starts; the committable offset is this until messages arrive.
     */
    synchronized void start(final long offset)
    {
        nextOffset = offset;
    }

    synchronized boolean started()
    {
        return nextOffset >= 0;
    }

    /**
     * @return where the next pull starts, or -1 before {@link #start}.
     */
    synchronized long nextOffset()
    {
        return nextOffset;
    }

    /**
     * Takes the messages of a pull and moves the next pull to {@code next}.
     *
     * @return the messages newly held (those not held already), none when the queue was dropped.
     */
    synchronized List<ReceivedMessageImpl> add(final List<ReceivedMessageImpl> pulled, final long next)
    {
        if (dropped)
        {
            return List.of();
        }
        final List<ReceivedMessageImpl> added = new ArrayList<>(pulled.size());
        for (final ReceivedMessageImpl message : pulled)
        {
            if (messages.putIfAbsent(message.queueOffset(), message) == null)
            {
                bodyBytes += message.bodySize();
                added.add(message);
            }
        }
        nextOffset = next;
        return added;
    }

    /**
     * Moves the next pull to {@code next} after a pull that found nothing to hand out.
     */
    synchronized void advance(final long next)
    {
        nextOffset = next;
    }

    /**
     * Forgets finished messages; runs the flow-control resume action (on this thread, after releasing the
     * monitor) when they took the queue down to its resume level.
     */
    void remove(final Collection<ReceivedMessageImpl> finished)
    {
        final Runnable resume;
        synchronized (this)
        {
            for (final ReceivedMessageImpl message : finished)
            {
                if (messages.remove(message.queueOffset()) != null)
                {
                    bodyBytes -= message.bodySize();
                }
            }
            if (resumeWhenDrained == null || messages.size() > resumeAtMessages || bodyBytes > resumeAtBytes)
            {
                return;
            }
            resume = resumeWhenDrained;
            resumeWhenDrained = null;
        }
        resume.run();
    }

    // ---- flow control (used by the PullScheduler only)

    /**
     * Pauses pulling while the queue holds more than {@code maxMessages} messages or {@code maxBytes} body
     * bytes: {@code resume} then runs once, when consumption has taken the queue down to half of both limits
     * (or when {@link #takeResume()} hands it to a fallback timer first).
     *
     * @return true when the queue is over a limit and pulling is paused.
     */
    synchronized boolean pauseWhenFull(final int maxMessages, final long maxBytes, final Runnable resume)
    {
        if (messages.size() <= maxMessages && bodyBytes <= maxBytes)
        {
            return false;
        }
        resumeWhenDrained = resume;
        resumeAtMessages = maxMessages / 2;
        resumeAtBytes = maxBytes / 2;
        return true;
    }

    /**
     * @return the pending resume action, now no longer pending, or null when none is (it ran already).
     */
    synchronized Runnable takeResume()
    {
        final Runnable resume = resumeWhenDrained;
        resumeWhenDrained = null;
        return resume;
    }

    /**
     * @return the offset to commit: the lowest offset held, else the next pull's offset; -1 before start.
     */
    synchronized long committableOffset()
    {
        return messages.isEmpty() ? nextOffset : messages.firstKey();
    }

    synchronized int messageCount()
    {
        return messages.size();
    }

    synchronized long bodyBytes()
    {
        return bodyBytes;
    }

    /**
     * @return up to {@code max} held messages from the lowest offset, still held.
     */
    synchronized List<ReceivedMessageImpl> firstMessages(final int max)
    {
        final List<ReceivedMessageImpl> batch = new ArrayList<>(Math.min(max, messages.size()));
        for (final Map.Entry<Long, ReceivedMessageImpl> entry : messages.entrySet())
        {
            if (batch.size() == max)
            {
                break;
            }
            batch.add(entry.getValue());
        }
        return batch;
    }

    // ---- listener calls

    /**
     * Concurrent consumption: takes the next held messages no listener call has taken yet, lowest offsets first,
     * and begins a call for them (pair with {@link #endCall()}). Calls so begin in offset order, whichever consume
     * thread runs first: once the queue is dropped, every message no call took lies above every message a call
     * took, so committing the lowest held offset redelivers nothing that was consumed.
     *
     * @return up to {@code max} messages; none when the queue is dropped or every held message was taken.
     */
    synchronized List<ReceivedMessageImpl> beginNextBatch(final int max)
    {
        if (dropped)
        {
            return List.of();
        }
        // higherEntry, not a tailMap view and its iterator: no view objects per call (usually a batch of one)
        Map.Entry<Long, ReceivedMessageImpl> next = messages.higherEntry(lastBegunOffset);
        if (next == null)
        {
            return List.of();
        }
        if (max == 1)
        {
            lastBegunOffset = next.getKey();
            callsInProgress++;
            return List.of(next.getValue());
        }
        final List<ReceivedMessageImpl> batch = new ArrayList<>(Math.min(max, messages.size()));
        while (next != null && batch.size() < max)
        {
            batch.add(next.getValue());
            next = messages.higherEntry(next.getKey());
        }
        lastBegunOffset = batch.get(batch.size() - 1).queueOffset();
        callsInProgress++;
        return batch;
    }

    /**
     * @return true when a listener call may start (the queue is not dropped); pair with {@link #endCall()}.
     */
    synchronized boolean tryBeginCall()
    {
        if (dropped)
        {
            return false;
        }
        callsInProgress++;
        return true;
    }

    synchronized void endCall()
    {
        callsInProgress--;
        if (dropped && callsInProgress == 0)
        {
            idle.complete(null);
        }
    }

    /**
     * Stops the queue: no pull, no new listener call. Idempotent.
     */
    synchronized void drop()
    {
        dropped = true;
        if (callsInProgress == 0)
        {
            idle.complete(null);
        }
    }

    /**
     * Drops the queue without committing its offset (the group's offsets were reset on the broker).
     */
    void discard()
    {
        discarded = true;
        drop();
    }

    boolean dropped()
    {
        return dropped;
    }

    boolean discarded()
    {
        return discarded;
    }

    /**
     * @return completes once the queue is dropped and no listener call is in progress.
     */
    CompletableFuture<Void> idle()
    {
        return idle;
    }

    CompletableFuture<Void> predecessorRetired()
    {
        return predecessorRetired;
    }

    /**
     * @return completes once the queue and its predecessor are idle, its offset committed and its lock released.
     */
    CompletableFuture<Void> retired()
    {
        return retired;
    }

    // ---- orderly

    /**
     * @return true when the caller should start the queue's orderly task (none running, messages held).
     */
    synchronized boolean tryStartConsuming()
    {
        if (consuming || dropped || (messages.isEmpty() && retryBatch == null))
        {
            return false;
        }
        consuming = true;
        return true;
    }

    /**
     * @return true when the orderly task should run again; false when it stopped (nothing held, or dropped).
     */
    synchronized boolean continueOrStop()
    {
        if (dropped || (messages.isEmpty() && retryBatch == null))
        {
            consuming = false;
            return false;
        }
        return true;
    }

    synchronized void stopConsuming()
    {
        consuming = false;
    }

    /**
     * @return the batch failed last and waiting to be retried in place, or null.
     */
    synchronized List<ReceivedMessageImpl> retryBatch()
    {
        return retryBatch;
    }

    synchronized void retryBatch(final List<ReceivedMessageImpl> batch)
    {
        retryBatch = batch;
    }

    void markLocked(final boolean held, final long nowNanos)
    {
        lockedAtNanos = nowNanos;
        locked = held;
    }

    /**
     * @return true while the broker's lock, granted or renewed less than {@link #LOCK_VALID_NANOS} ago, is held.
     */
    boolean lockValid(final long nowNanos)
    {
        return locked && nowNanos - lockedAtNanos < LOCK_VALID_NANOS;
    }

    // ---- pulling (used by the PullScheduler and its QueueFetcher)

    @Override
    public FetchSlot slot()
    {
        return slot;
    }

    @Override
    public String toString()
    {
        return "ProcessQueue{queue=" + queue + ", dropped=" + dropped + '}';
    }
}

package io.rocklet.store.internal.flush;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.internal.StoreHealth;
import io.rocklet.store.internal.log.CommitLog;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Makes the commit log durable, with group commit. SYNC appends call {@link #awaitDurable(long)}. The
 * first caller that finds no flush running leads: it flushes everything appended so far, wakes exactly
 * the waiters that flush covered, and flushes again for the ones that arrived meanwhile (up to
 * {@link #MAX_ROUNDS} times, then it hands the lead to the oldest waiter). Waiters park alone and are
 * woken once, so sixteen writers cost sixteen wake-ups per flush, not a lock convoy. Before each
 * flush the leader gives the writers released by the previous one up to {@link #GATHER_NS} to append
 * again, so that they share it. A flush failure fences the store.
 */
public final class LogFlusher
{
    /** Longest a flush leader waits for the writers of the previous flush to append again. */
    static final long GATHER_NS = TimeUnit.MICROSECONDS.toNanos(50);
    /** Flushes a leader runs before handing the lead on, bounding its own wait. */
    static final int MAX_ROUNDS = 4;

    /** Writes the log's pages in [from, to) to disk; {@link CommitLog#sync(long, long)} in production. */
    @FunctionalInterface
    public interface LogSync
    {
        void sync(long from, long to);
    }

    /** A parked SYNC appender. */
    private static final class Waiter
    {
        final long position;
        final Thread thread;
        volatile boolean released;
        volatile boolean promoted;

        Waiter(final long position, final Thread thread)
        {
            this.position = position;
            this.thread = thread;
        }
    }

    private final LogSync log;
    private final StoreHealth health;
    private final LongSupplier committedPosition;
    private final NanoClock nanoClock;
    private final long timeoutNs;
    private final boolean fsync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean flushing;
    private boolean gathering;
    private int lastReleased;
    private volatile long flushedPosition;
    private long flushCount;

    public LogFlusher(final LogSync log, final StoreHealth health, final LongSupplier committedPosition,
        final NanoClock nanoClock, final long timeoutNs, final boolean fsync, final long startPosition)
    {
        this.log = log;
        this.health = health;
        this.committedPosition = committedPosition;
        this.nanoClock = nanoClock;
        this.timeoutNs = timeoutNs;
        this.fsync = fsync;
        this.flushedPosition = startPosition;
    }

    /**
     * @return the log position below which everything is on disk (everything committed, without fsync).
     */
    public long flushedPosition()
    {
        return fsync ? flushedPosition : committedPosition.getAsLong();
    }

    /**
     * @return how many flushes ran (each may cover many appends).
     */
    public long flushCount()
    {
        lock.lock();
        try
        {
            return flushCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Returns once everything below {@code position} is on disk.
     *
     * @throws StorageException {@link ErrorCode#FLUSH_TIMEOUT} after the sync-flush timeout,
     *                          {@link ErrorCode#STORE_FENCED} when a flush failed.
     */
    public void awaitDurable(final long position)
    {
        if (!fsync || flushedPosition >= position)
        {
            return;
        }
        final long deadline = nanoClock.nanoTime() + timeoutNs;
        Waiter waiter = null;
        while (true)
        {
            lock.lock();
            try
            {
                if (flushedPosition >= position)
                {
                    return;
                }
                if (health.isFenced())
                {
                    health.checkWritable();
                }
                if (!flushing)
                {
                    lead(position);
                    return;
                }
                waiter = new Waiter(position, Thread.currentThread());
                waiters.addLast(waiter);
                if (gathering)
                {
                    arrived.signal();
                }
            }
            finally
            {
                lock.unlock();
            }
            if (park(waiter, position, deadline))
            {
                return;
            }
        }
    }

    /**
     * Flushes everything appended so far and returns when it is on disk.
     */
    public void flush()
    {
        awaitDurable(committedPosition.getAsLong());
    }

    /**
     * @return bytes appended but not yet flushed.
     */
    public long dirtyBytes()
    {
        return committedPosition.getAsLong() - flushedPosition();
    }

    /**
     * Parks until the leader releases or promotes {@code waiter}.
     *
     * @return true when released (durable); false when promoted to lead the next flush.
     */
    private boolean park(final Waiter waiter, final long position, final long deadline)
    {
        while (!waiter.released && !waiter.promoted)
        {
            final long remaining = deadline - nanoClock.nanoTime();
            if (remaining <= 0)
            {
                lock.lock();
                try
                {
                    if (!waiter.released && !waiter.promoted)
                    {
                        waiters.remove(waiter);
                        throw new StorageException(ErrorCode.FLUSH_TIMEOUT, "sync flush timed out: position=" +
                            position + ", flushedPosition=" + flushedPosition + ", timeoutMs=" +
                            TimeUnit.NANOSECONDS.toMillis(timeoutNs));
                    }
                }
                finally
                {
                    lock.unlock();
                }
                break;
            }
            LockSupport.parkNanos(this, remaining);
            if (Thread.interrupted())
            {
                Thread.currentThread().interrupt();
                lock.lock();
                try
                {
                    if (!waiter.released && !waiter.promoted)
                    {
                        waiters.remove(waiter);
                        throw new StorageException(ErrorCode.FLUSH_TIMEOUT,
                            "interrupted waiting for a sync flush: position=" + position);
                    }
                }
                finally
                {
                    lock.unlock();
                }
            }
        }
        if (waiter.released)
        {
            if (health.isFenced() && flushedPosition < position)
            {
                health.checkWritable();
            }
            return true;
        }
        return false;
    }

    /** Called with the lock held, with no flush running: flush until {@code position} and the waiters are served. */
    private void lead(final long position)
    {
        flushing = true;
        try
        {
            int rounds = 0;
            do
            {
                gather();
                flushOnce();
                rounds++;
            }
            while ((flushedPosition < position || !waiters.isEmpty()) && rounds < MAX_ROUNDS);
        }
        finally
        {
            flushing = false;
            final Waiter next = waiters.pollFirst();
            if (next != null)
            {
                next.promoted = true;
                LockSupport.unpark(next.thread);
            }
        }
    }

    /** One flush of everything committed, lock released meanwhile; wakes the waiters it covered. */
    private void flushOnce()
    {
        final long from = flushedPosition;
        final long target = committedPosition.getAsLong();
        lock.unlock();
        try
        {
            log.sync(from, target);
        }
        catch (final RuntimeException e)
        {
            health.fence(e);
            lock.lock();
            releaseAll();
            throw new StorageException(ErrorCode.STORE_FENCED, "flush failed, store fenced: from=" + from + ", to=" +
                target + ", cause=" + e, e);
        }
        lock.lock();
        if (target > flushedPosition)
        {
            flushedPosition = target;
            flushCount++;
        }
        int released = 0;
        for (final Iterator<Waiter> it = waiters.iterator(); it.hasNext(); )
        {
            final Waiter waiter = it.next();
            if (waiter.position <= target)
            {
                it.remove();
                waiter.released = true;
                LockSupport.unpark(waiter.thread);
                released++;
            }
        }
        lastReleased = released;
    }

    /** After a failed flush every waiter wakes to find the store fenced. */
    private void releaseAll()
    {
        for (final Waiter waiter : waiters)
        {
            waiter.released = true;
            LockSupport.unpark(waiter.thread);
        }
        waiters.clear();
    }

    /**
     * Group commit: the writers the previous flush released are appending their next record right now;
     * give them up to {@link #GATHER_NS} to come back so that this flush covers them too, instead of
     * starting with one record and leaving them all to the next flush. With one writer there is
     * nobody to wait for.
     */
    private void gather()
    {
        final long deadline = nanoClock.nanoTime() + GATHER_NS;
        gathering = true;
        try
        {
            while (waiters.size() < lastReleased)
            {
                final long remaining = deadline - nanoClock.nanoTime();
                if (remaining <= 0)
                {
                    break;
                }
                arrived.awaitNanos(remaining);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            gathering = false;
        }
    }
}

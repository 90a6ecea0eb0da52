package io.rocklet.store.internal.flush;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.internal.StoreHealth;
import io.rocklet.store.internal.log.CommitLog;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Makes the commit log durable. One flush runs at a time; it covers everything appended when it
 * starts. SYNC appends call {@link #awaitDurable(long)}: the first waiter becomes the flush leader
 * and the waiters that arrive during its flush are covered by the next one, so concurrent writers
 * share flushes (group commit). A flush failure fences the store.
 */
public final class LogFlusher
{
    /** Writes the log's pages in [from, to) to disk; {@link CommitLog#sync(long, long)} in production. */
    @FunctionalInterface
    public interface LogSync
    {
        void sync(long from, long to);
    }

    private final LogSync log;
    private final StoreHealth health;
    private final LongSupplier committedPosition;
    private final NanoClock nanoClock;
    private final long timeoutNs;
    private final boolean fsync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flushed = lock.newCondition();
    private boolean flushing;
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
        lock.lock();
        try
        {
            while (flushedPosition < position)
            {
                if (health.isFenced())
                {
                    health.checkWritable();
                }
                if (!flushing)
                {
                    leadFlush();
                }
                else
                {
                    final long remaining = deadline - nanoClock.nanoTime();
                    if (remaining <= 0)
                    {
                        throw new StorageException(ErrorCode.FLUSH_TIMEOUT, "sync flush timed out: position=" +
                            position + ", flushedPosition=" + flushedPosition + ", timeoutMs=" +
                            TimeUnit.NANOSECONDS.toMillis(timeoutNs));
                    }
                    flushed.awaitNanos(remaining);
                }
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new StorageException(ErrorCode.FLUSH_TIMEOUT, "interrupted waiting for a sync flush: position=" +
                position, e);
        }
        finally
        {
            lock.unlock();
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

    /** Called with the lock held; releases it while the disk works. */
    private void leadFlush()
    {
        flushing = true;
        final long from = flushedPosition;
        final long target = committedPosition.getAsLong();
        lock.unlock();
        boolean done = false;
        try
        {
            log.sync(from, target);
            done = true;
        }
        catch (final RuntimeException e)
        {
            health.fence(e);
            throw new StorageException(ErrorCode.STORE_FENCED, "flush failed, store fenced: from=" + from + ", to=" +
                target + ", cause=" + e, e);
        }
        finally
        {
            lock.lock();
            flushing = false;
            if (done && target > flushedPosition)
            {
                flushedPosition = target;
                flushCount++;
            }
            flushed.signalAll();
        }
    }
}

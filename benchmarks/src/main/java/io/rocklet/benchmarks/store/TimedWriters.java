package io.rocklet.benchmarks.store;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.store.AppendBatchReceipt;
import io.rocklet.store.AppendReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Appends from a number of threads at once for a fixed time or a fixed number of messages, whichever
 * comes first (the cap keeps the bytes written by a fast machine bounded), each thread on the
 * zero-allocation path (one {@link AppendReceipt} per thread, the requests reused), cycling over the
 * queues. Thread 0 also samples the dispatch lag now and then. Each thread counts the bytes it
 * allocated while appending. Returns when every thread has stopped.
 */
final class TimedWriters
{
    /** Appends between two looks at the clock (SYNC appends look every time). */
    private static final int CLOCK_CHECK_INTERVAL = 256;
    /** Appends between two samples of the dispatch lag. */
    private static final int LAG_SAMPLE_INTERVAL = 1 << 16;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final MessageStore store;
    private final AppendRequest[] requests;
    private final int batchSize;

    /**
     * What the threads did together.
     *
     * @param messages       appends acknowledged.
     * @param elapsedNs      from the common start to the last thread's stop.
     * @param maxLagBytes    largest dispatch lag sampled.
     * @param busyErrors     appends refused with {@code BUSY} (the dispatcher was too far behind).
     * @param allocatedBytes bytes the appending threads allocated while appending (-1 if the JVM cannot tell).
     */
    record Outcome(long messages, long elapsedNs, long maxLagBytes, long busyErrors, long allocatedBytes)
    {
        double messagesPerSecond()
        {
            return messages * 1e9 / elapsedNs;
        }

        double allocatedBytesPerMessage()
        {
            return allocatedBytes < 0 || messages == 0 ? Double.NaN : (double)allocatedBytes / messages;
        }
    }

    /** One thread's counts; written by that thread, read after it has been joined. */
    private static final class Tally
    {
        long messages;
        long busyErrors;
        long maxLagBytes;
        long allocatedBytes;
        long stopNs;
    }

    TimedWriters(final MessageStore store, final List<AppendRequest> requests)
    {
        this(store, requests, 1);
    }

    /**
     * @param batchSize messages per append: 1 appends one by one, more appends batches of that many
     *                  ({@link MessageStore#appendBatch}, one {@link AppendBatchReceipt} per thread, the batch reused).
     */
    TimedWriters(final MessageStore store, final List<AppendRequest> requests, final int batchSize)
    {
        this.store = store;
        this.requests = requests.toArray(new AppendRequest[0]);
        this.batchSize = batchSize;
    }

    /**
     * @param threads         how many threads append.
     * @param durationNs      how long they append.
     * @param maxMessages     stop after about this many appends in all.
     * @param checkClockEvery true to look at the clock after every append (slow appends, such as SYNC).
     */
    Outcome run(final int threads, final long durationNs, final long maxMessages, final boolean checkClockEvery)
    {
        final long perThread = Math.max(1, maxMessages / threads);
        final int checkEvery = checkClockEvery ? 1 : CLOCK_CHECK_INTERVAL;
        final Tally[] tallies = new Tally[threads];
        final long[] start = new long[1];
        final CyclicBarrier barrier = new CyclicBarrier(threads, () -> start[0] = System.nanoTime());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> workers = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            final Tally tally = new Tally();
            tallies[t] = tally;
            final Thread worker = new Thread(() ->
            {
                try
                {
                    barrier.await();
                    appendUntil(id, start[0] + durationNs, perThread, checkEvery, tally, failure);
                }
                catch (final InterruptedException | BrokenBarrierException e)
                {
                    failure.compareAndSet(null, e);
                }
                tally.stopNs = System.nanoTime();
            }, "bench-writer-" + t);
            workers.add(worker);
            worker.start();
        }
        joinAll(workers);
        final Throwable error = failure.get();
        if (error != null)
        {
            throw new IllegalStateException("append failed: threads=" + threads + ", error=" + error, error);
        }
        return sum(tallies, start[0]);
    }

    private void appendUntil(final int id, final long deadline, final long limit, final int checkEvery,
        final Tally tally, final AtomicReference<Throwable> failure)
    {
        final AppendReceipt receipt = new AppendReceipt();
        final AppendBatchReceipt batchReceipt = new AppendBatchReceipt();
        final List<AppendRequest> batch = new ArrayList<>(batchSize);
        final AppendRequest[] byQueue = requests;
        final int queues = byQueue.length;
        final long allocatedBefore = allocatedBytes();
        long count = 0;
        int queue = id % queues;
        while (failure.get() == null)
        {
            for (int i = 0; i < checkEvery; i += batchSize)
            {
                try
                {
                    if (batchSize == 1)
                    {
                        store.append(byQueue[queue], receipt);
                    }
                    else
                    {
                        batch.clear();
                        for (int b = 0; b < batchSize; b++)
                        {
                            batch.add(byQueue[(queue + b) % queues]);
                        }
                        store.appendBatch(batch, batchReceipt);
                    }
                    count += batchSize;
                }
                catch (final RockletException e)
                {
                    if (e.errorCode() != ErrorCode.BUSY)
                    {
                        failure.compareAndSet(null, e);
                        break;
                    }
                    tally.busyErrors++;
                }
                queue = queue + 1 == queues ? 0 : queue + 1;
            }
            if (id == 0 && (count & (LAG_SAMPLE_INTERVAL - 1)) < checkEvery)
            {
                tally.maxLagBytes = Math.max(tally.maxLagBytes, store.dispatchLagBytes());
            }
            if (count >= limit || System.nanoTime() >= deadline)
            {
                break;
            }
        }
        final long allocatedAfter = allocatedBytes();
        tally.messages = count;
        tally.allocatedBytes = allocatedBefore < 0 ? -1 : allocatedAfter - allocatedBefore;
    }

    private static Outcome sum(final Tally[] tallies, final long startNs)
    {
        long messages = 0;
        long busyErrors = 0;
        long maxLag = 0;
        long allocated = 0;
        long lastStop = startNs;
        for (final Tally tally : tallies)
        {
            messages += tally.messages;
            busyErrors += tally.busyErrors;
            maxLag = Math.max(maxLag, tally.maxLagBytes);
            allocated = allocated < 0 || tally.allocatedBytes < 0 ? -1 : allocated + tally.allocatedBytes;
            lastStop = Math.max(lastStop, tally.stopNs);
        }
        return new Outcome(messages, lastStop - startNs, maxLag, busyErrors, allocated);
    }

    private static long allocatedBytes()
    {
        return THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled() ?
            THREADS.getCurrentThreadAllocatedBytes() : -1;
    }

    private static void joinAll(final List<Thread> workers)
    {
        for (final Thread worker : workers)
        {
            try
            {
                worker.join();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for writer threads", e);
            }
        }
    }
}

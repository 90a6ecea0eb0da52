package io.rocklet.benchmarks.scenario;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latencies in nanoseconds, recorded by any number of threads into one preallocated {@code long[]} (a
 * slot per sample, claimed with one atomic increment; no allocation), then sorted once to read exact
 * percentiles. Samples beyond the capacity are counted, not kept.
 */
public final class LatencyRecorder
{
    private final long[] samples;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicLong overflow = new AtomicLong();
    private long[] sorted;

    /**
     * @param capacity most samples kept.
     */
    public LatencyRecorder(final int capacity)
    {
        this.samples = new long[capacity];
    }

    /**
     * Records one latency. Thread-safe.
     */
    public void record(final long latencyNs)
    {
        final int slot = next.getAndIncrement();
        if (slot < samples.length)
        {
            samples[slot] = latencyNs;
            written.incrementAndGet();
        }
        else
        {
            overflow.incrementAndGet();
        }
    }

    /**
     * @return samples kept and fully written (visible to the caller).
     */
    public int count()
    {
        return written.get();
    }

    /**
     * Waits until {@code expected} samples are written or {@code timeoutNs} passed.
     *
     * @return true when they were.
     */
    public boolean awaitCount(final int expected, final long timeoutNs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (written.get() < expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /**
     * @return samples offered beyond the capacity.
     */
    public long overflow()
    {
        return overflow.get();
    }

    /**
     * Sorts the samples written so far; call once recording has stopped (see {@link #awaitCount}).
     */
    public void freeze()
    {
        sorted = Arrays.copyOf(samples, count());
        Arrays.sort(sorted);
    }

    /**
     * @param fraction 0 to 1 (0.99 for p99).
     * @return the smallest sample at or below which at least {@code fraction} of the samples lie (nearest rank).
     */
    public long percentile(final double fraction)
    {
        checkFrozen();
        if (fraction < 0 || fraction > 1)
        {
            throw new IllegalArgumentException("percentile out of range: fraction=" + fraction);
        }
        final int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public long max()
    {
        checkFrozen();
        return sorted[sorted.length - 1];
    }

    public double mean()
    {
        checkFrozen();
        double sum = 0;
        for (final long sample : sorted)
        {
            sum += sample;
        }
        return sum / sorted.length;
    }

    /**
     * @return how many samples exceed {@code thresholdNs}.
     */
    public long countAbove(final long thresholdNs)
    {
        checkFrozen();
        int low = 0;
        int high = sorted.length;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (sorted[mid] <= thresholdNs)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return sorted.length - low;
    }

    private void checkFrozen()
    {
        if (sorted == null || sorted.length == 0)
        {
            throw new IllegalStateException("no samples to read: frozen=" + (sorted != null) + ", count=" + count());
        }
    }
}

package io.rocklet.benchmarks.scenario;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which message sequence numbers (0 to capacity - 1) a consumer has seen, as a lock-free bitmap shared by
 * the listener threads, with the count of distinct and duplicate deliveries; lets a scenario check that
 * every message arrived exactly once and wait until all did.
 */
public final class ReceivedSet
{
    private final AtomicLongArray bits;
    private final long capacity;
    private final AtomicLong distinct = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();

    public ReceivedSet(final long capacity)
    {
        this.capacity = capacity;
        this.bits = new AtomicLongArray((int) ((capacity + 63) >>> 6));
    }

    /**
     * Marks {@code sequence} received. Thread-safe.
     *
     * @return true the first time it is marked; false for a duplicate or a number out of range.
     */
    public boolean markFirst(final long sequence)
    {
        return mark(sequence) > 0;
    }

    /**
     * Marks {@code sequence} received. Thread-safe.
     *
     * @return the count of distinct messages including this one when it is the first delivery of
     *     {@code sequence} (exactly one call sees each count); 0 for a duplicate or a number out of range.
     */
    public long mark(final long sequence)
    {
        if (sequence < 0 || sequence >= capacity)
        {
            unexpected.incrementAndGet();
            return 0;
        }
        final int word = (int) (sequence >>> 6);
        final long mask = 1L << (sequence & 63);
        long current = bits.get(word);
        while ((current & mask) == 0)
        {
            final long witness = bits.compareAndExchange(word, current, current | mask);
            if (witness == current)
            {
                return distinct.incrementAndGet();
            }
            current = witness;
        }
        duplicates.incrementAndGet();
        return 0;
    }

    public long distinct()
    {
        return distinct.get();
    }

    public long duplicates()
    {
        return duplicates.get();
    }

    /**
     * @return deliveries whose sequence number was out of range (not a message of this run).
     */
    public long unexpected()
    {
        return unexpected.get();
    }

    /**
     * Waits until {@code expected} distinct messages arrived or {@code timeoutNs} passed.
     *
     * @return true when they all arrived.
     */
    public boolean awaitDistinct(final long expected, final long timeoutNs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (distinct.get() < expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }
}

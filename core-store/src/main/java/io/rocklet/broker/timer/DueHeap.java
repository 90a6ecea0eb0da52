package io.rocklet.broker.timer;

import java.util.Arrays;

/**
 * A binary min-heap of timer entries ordered by (due time, timer-queue offset), in two primitive arrays: no object
 * per entry. Holds the entries of the bucket being delivered only. Owned by the broker agent thread.
 */
final class DueHeap
{
    private long[] dueMs = new long[64];
    private long[] offsets = new long[64];
    private int size;

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    long peekDueMs()
    {
        return dueMs[0];
    }

    long peekOffset()
    {
        return offsets[0];
    }

    void clear()
    {
        size = 0;
    }

    void push(final long due, final long offset)
    {
        if (size == dueMs.length)
        {
            dueMs = Arrays.copyOf(dueMs, size * 2);
            offsets = Arrays.copyOf(offsets, size * 2);
        }
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!less(due, offset, dueMs[parent], offsets[parent]))
            {
                break;
            }
            dueMs[i] = dueMs[parent];
            offsets[i] = offsets[parent];
            i = parent;
        }
        dueMs[i] = due;
        offsets[i] = offset;
    }

    void pop()
    {
        final int last = --size;
        final long due = dueMs[last];
        final long offset = offsets[last];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && less(dueMs[child + 1], offsets[child + 1], dueMs[child], offsets[child]))
            {
                child++;
            }
            if (!less(dueMs[child], offsets[child], due, offset))
            {
                break;
            }
            dueMs[i] = dueMs[child];
            offsets[i] = offsets[child];
            i = child;
        }
        dueMs[i] = due;
        offsets[i] = offset;
        if (size == 0 && dueMs.length > 1 << 16)
        {
            dueMs = new long[64];
            offsets = new long[64];
        }
    }

    /**
     * @return true when (dueA, offsetA) comes before (dueB, offsetB).
     */
    static boolean less(final long dueA, final long offsetA, final long dueB, final long offsetB)
    {
        return dueA < dueB || (dueA == dueB && offsetA < offsetB);
    }
}

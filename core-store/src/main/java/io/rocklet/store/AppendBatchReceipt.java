package io.rocklet.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable holder that {@link MessageStore#appendBatch(List, AppendBatchReceipt)} fills with one entry per record of
 * the batch, in the batch's order, so that appending a batch allocates nothing once the holder has grown to the batch
 * size. Owned by one thread; read it before the next append.
 */
public final class AppendBatchReceipt
{
    private static final int INITIAL_CAPACITY = 16;

    private long[] logOffsets = new long[INITIAL_CAPACITY];
    private long[] queueOffsets = new long[INITIAL_CAPACITY];
    private long[] storeTimestampsMs = new long[INITIAL_CAPACITY];
    private int[] recordBytes = new int[INITIAL_CAPACITY];
    private int count;
    private int storeTag;

    /**
     * Called by the store before it fills the receipt: forgets the previous batch.
     *
     * @param batchSize the number of records the batch holds.
     * @param storeTag  the store's tag (for message ids).
     */
    public void reset(final int batchSize, final int storeTag)
    {
        if (batchSize > logOffsets.length)
        {
            final int capacity = Math.max(batchSize, logOffsets.length * 2);
            logOffsets = Arrays.copyOf(logOffsets, capacity);
            queueOffsets = Arrays.copyOf(queueOffsets, capacity);
            storeTimestampsMs = Arrays.copyOf(storeTimestampsMs, capacity);
            recordBytes = Arrays.copyOf(recordBytes, capacity);
        }
        this.count = 0;
        this.storeTag = storeTag;
    }

    /**
     * Called by the store: the next record's place.
     */
    public void add(final long logOffset, final long queueOffset, final long storeTimestampMs, final int bytes)
    {
        logOffsets[count] = logOffset;
        queueOffsets[count] = queueOffset;
        storeTimestampsMs[count] = storeTimestampMs;
        recordBytes[count] = bytes;
        count++;
    }

    /**
     * @return the number of records stored.
     */
    public int count()
    {
        return count;
    }

    /**
     * @param index the record's index in the batch.
     * @return its position in the commit log.
     */
    public long logOffset(final int index)
    {
        return logOffsets[checkIndex(index)];
    }

    /**
     * @param index the record's index in the batch.
     * @return its position in its queue.
     */
    public long queueOffset(final int index)
    {
        return queueOffsets[checkIndex(index)];
    }

    /**
     * @param index the record's index in the batch.
     * @return when the store appended it, ms since the epoch.
     */
    public long storeTimestampMs(final int index)
    {
        return storeTimestampsMs[checkIndex(index)];
    }

    /**
     * @param index the record's index in the batch.
     * @return its size in the log.
     */
    public int recordBytes(final int index)
    {
        return recordBytes[checkIndex(index)];
    }

    /**
     * @param index the record's index in the batch.
     * @return its offset message id (allocates a string).
     */
    public String messageId(final int index)
    {
        return MessageIds.encode(storeTag, logOffsets[checkIndex(index)]);
    }

    /**
     * @return the log position after the batch's last record (what a SYNC flush or SYNC replication waits for); 0 for
     *     an empty receipt.
     */
    public long endOffset()
    {
        return count == 0 ? 0L : logOffsets[count - 1] + recordBytes[count - 1];
    }

    /**
     * @return an immutable copy of each record's result, in the batch's order.
     */
    public List<AppendResult> toResults()
    {
        final List<AppendResult> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            results.add(new AppendResult(messageId(i), logOffsets[i], queueOffsets[i], storeTimestampsMs[i],
                recordBytes[i]));
        }
        return List.copyOf(results);
    }

    private int checkIndex(final int index)
    {
        if (index < 0 || index >= count)
        {
            throw new IndexOutOfBoundsException("no such record in the batch receipt: index=" + index + ", count=" +
                count);
        }
        return index;
    }

    @Override
    public String toString()
    {
        return "AppendBatchReceipt{count=" + count + ", endOffset=" + endOffset() + '}';
    }
}

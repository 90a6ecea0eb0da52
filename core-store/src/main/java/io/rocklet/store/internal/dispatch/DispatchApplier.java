package io.rocklet.store.internal.dispatch;

import io.rocklet.store.internal.index.IndexDescriptor;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.log.RecordDescriptor;
import io.rocklet.store.internal.log.RecordView;
import io.rocklet.store.internal.queue.ConsumeQueue;
import io.rocklet.store.internal.queue.QueueState;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Applies one stored record to the structures built from the log: its consume-queue entry and its
 * key-index entries (one per key, and one for its unique id when it carries one). Shared by the dispatcher and by recovery, so a rebuilt queue is byte for byte
 * what dispatching would have written. Owned by one thread at a time.
 */
public final class DispatchApplier
{
    private final CommitLog log;
    private final KeyIndex keyIndex;
    private final RecordView view = new RecordView();

    public DispatchApplier(final CommitLog log, final KeyIndex keyIndex)
    {
        this.log = log;
        this.keyIndex = keyIndex;
    }

    public void apply(final QueueState queue, final long queueOffset, final long logOffset, final int size,
        final long tagCode, final long storeTimestampMs, final int keyCount)
    {
        final ConsumeQueue consumeQueue = queue.consumeQueue();
        if (queueOffset > 0 && consumeQueue.maxOffset() == 0 && log.minOffset() > 0)
        {
            // a seeded replica's queue starts where its first record in this log is (the writer accepted it)
            consumeQueue.startAt(queueOffset);
        }
        consumeQueue.append(queueOffset, logOffset, size, tagCode);
        indexKeys(queue.topic().nameBytes(), logOffset, storeTimestampMs, keyCount);
    }

    /**
     * Adds the key-index entries of the record at {@code logOffset}: its keys and its unique id. Allocation-free.
     */
    public void indexKeys(final byte[] topic, final long logOffset, final long storeTimestampMs, final int keyCount)
    {
        final LogSegment segment = log.segmentFor(logOffset);
        if (segment == null)
        {
            return;
        }
        final UnsafeBuffer buffer = segment.buffer();
        view.wrap(buffer, (int)(logOffset - segment.baseOffset()));
        int p = view.keysStart();
        for (int i = 0; i < keyCount; i++)
        {
            final int length = buffer.getShort(p) & 0xFFFF;
            keyIndex.put(topic, buffer, p + 2, length, logOffset, storeTimestampMs);
            p += 2 + length;
        }
        final int uniqueId = view.propertyValueIndex(RecordDescriptor.UNIQUE_ID_PROPERTY);
        if (uniqueId >= 0)
        {
            keyIndex.put(KeyIndex.UNIQUE_ID_TOPIC, buffer, uniqueId + 2, buffer.getShort(uniqueId) & 0xFFFF, logOffset,
                storeTimestampMs);
        }
    }

    /**
     * @return true when the intact record at {@code logOffset}, stored at {@code storeTimestampMs}, has a key (or a
     *     unique id) that {@link #indexKeys} indexes under {@code hash}: recovery's check of key-index entries.
     */
    public boolean indexedUnder(final long logOffset, final int hash, final long storeTimestampMs)
    {
        final LogSegment segment = log.segmentFor(logOffset);
        if (segment == null)
        {
            return false;
        }
        final int index = (int)(logOffset - segment.baseOffset());
        if (index + RecordDescriptor.HEADER_LENGTH > segment.usableBytes())
        {
            return false;
        }
        final UnsafeBuffer buffer = segment.buffer();
        view.wrap(buffer, index);
        if (view.magic() != RecordDescriptor.RECORD_MAGIC || view.logOffset() != logOffset ||
            index + (long)view.length() > segment.usableBytes() || !view.isWellFormed() ||
            view.storeTimestampMs() != storeTimestampMs)
        {
            return false;
        }
        int p = view.keysStart();
        for (int i = 0; i < view.keyCount(); i++)
        {
            final int length = buffer.getShort(p) & 0xFFFF;
            if (IndexDescriptor.hash(buffer, view.topicStart(), view.topicLength(), buffer, p + 2, length) == hash)
            {
                return true;
            }
            p += 2 + length;
        }
        final int uniqueId = view.propertyValueIndex(RecordDescriptor.UNIQUE_ID_PROPERTY);
        return uniqueId >= 0 && IndexDescriptor.hash(KeyIndex.UNIQUE_ID_TOPIC, buffer, uniqueId + 2,
            buffer.getShort(uniqueId) & 0xFFFF) == hash;
    }
}

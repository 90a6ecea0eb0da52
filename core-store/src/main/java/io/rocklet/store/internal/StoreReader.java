package io.rocklet.store.internal;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.TagFilter;
import io.rocklet.store.MessageIds;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.internal.file.MappedRegion;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.log.RecordDescriptor;
import io.rocklet.store.internal.log.RecordView;
import io.rocklet.store.internal.queue.ConsumeQueue;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import static io.rocklet.store.internal.queue.ConsumeQueueDescriptor.*;

/**
 * The read side: messages by queue offset (through the consume queue), by key (through the index),
 * by id (straight to the log), and offsets by time. Stateless apart from the structures it reads, so
 * any thread may call it; every file it touches is retained for the duration of the access.
 */
public final class StoreReader
{
    /** A read scans at most this many consume-queue entries, matched or not. */
    private static final int MAX_SCAN_ENTRIES = 16_384;

    private final CommitLog log;
    private final TopicTable topics;
    private final KeyIndex keyIndex;
    private final int storeTag;
    private final LongSupplier dispatchedPosition;

    public StoreReader(final CommitLog log, final TopicTable topics, final KeyIndex keyIndex, final int storeTag,
        final LongSupplier dispatchedPosition)
    {
        this.log = log;
        this.topics = topics;
        this.keyIndex = keyIndex;
        this.storeTag = storeTag;
        this.dispatchedPosition = dispatchedPosition;
    }

    public ReadResult read(final String topic, final int queueId, final long offset, final int maxCount,
        final int maxBytes, final TagFilter filter)
    {
        if (offset < 0 || maxCount <= 0 || maxBytes <= 0 || filter == null)
        {
            throw new InvalidArgumentException("illegal read: topic=" + topic + ", queueId=" + queueId + ", offset=" +
                offset + ", maxCount=" + maxCount + ", maxBytes=" + maxBytes + ", filter=" + filter);
        }
        final ConsumeQueue cq = consumeQueue(topic, queueId);
        if (cq == null)
        {
            return new ReadResult(ReadStatus.NO_SUCH_QUEUE, 0, 0, 0, List.of());
        }
        final long min = cq.minOffset();
        final long max = cq.maxOffset();
        if (offset < min)
        {
            return new ReadResult(ReadStatus.OFFSET_TOO_OLD, min, min, max, List.of());
        }
        if (offset >= max)
        {
            final ReadStatus status = offset == max ? ReadStatus.NO_NEW_MESSAGES : ReadStatus.OFFSET_OVERFLOW;
            return new ReadResult(status, max, min, max, List.of());
        }
        final List<StoredMessage> messages = new ArrayList<>(Math.min(maxCount, 64));
        final Cursor cursor = new Cursor();
        long next = offset;
        long bytes = 0;
        int scanned = 0;
        try
        {
            scan:
            while (next < max && messages.size() < maxCount && scanned < MAX_SCAN_ENTRIES)
            {
                final MappedRegion file = cq.retainFile(next);
                if (file == null)
                {
                    break;
                }
                try
                {
                    final UnsafeBuffer entries = file.buffer();
                    final long fileEnd = Math.min(max, cq.fileEnd(next));
                    for (; next < fileEnd && messages.size() < maxCount && scanned < MAX_SCAN_ENTRIES; next++, scanned++)
                    {
                        final int index = cq.entryIndex(next);
                        if (!filter.matchesCode(entries.getLong(index + TAG_CODE_OFFSET)))
                        {
                            continue;
                        }
                        final int size = entries.getInt(index + SIZE_OFFSET);
                        if (!messages.isEmpty() && bytes + size > maxBytes)
                        {
                            break scan;
                        }
                        final StoredMessage message = cursor.copy(entries.getLong(index + LOG_OFFSET_OFFSET), size, topic);
                        if (message == null)
                        {
                            break scan; // the segment is gone (retention)
                        }
                        messages.add(message);
                        bytes += size;
                    }
                }
                finally
                {
                    file.release();
                }
            }
        }
        finally
        {
            cursor.release();
        }
        if (messages.isEmpty())
        {
            final long currentMin = cq.minOffset();
            if (next < currentMin || (next == offset && scanned == 0))
            {
                return new ReadResult(ReadStatus.OFFSET_TOO_OLD, currentMin, currentMin, max, List.of());
            }
            return new ReadResult(ReadStatus.NO_MATCHED_MESSAGE, next, min, max, List.of());
        }
        return new ReadResult(ReadStatus.FOUND, next, min, max, messages);
    }

    public long minOffset(final String topic, final int queueId)
    {
        final ConsumeQueue cq = consumeQueue(topic, queueId);
        return cq == null ? 0 : cq.minOffset();
    }

    public long maxOffset(final String topic, final int queueId)
    {
        final ConsumeQueue cq = consumeQueue(topic, queueId);
        return cq == null ? 0 : cq.maxOffset();
    }

    public long offsetForTimestamp(final String topic, final int queueId, final long timestampMs)
    {
        final ConsumeQueue cq = consumeQueue(topic, queueId);
        if (cq == null)
        {
            return 0;
        }
        long low = cq.minOffset();
        long high = cq.maxOffset();
        final RecordView view = new RecordView();
        while (low < high)
        {
            final long mid = (low + high) >>> 1;
            final long storeTimestamp = storeTimestampAt(cq, mid, view);
            if (storeTimestamp < timestampMs)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    public List<StoredMessage> messagesByKey(final String topic, final String key, final long beginMs, final long endMs,
        final int maxCount)
    {
        if (topic == null || key == null || key.isEmpty() || maxCount <= 0 || beginMs > endMs)
        {
            throw new InvalidArgumentException("illegal key query: topic=" + topic + ", key=" + key + ", beginMs=" +
                beginMs + ", endMs=" + endMs + ", maxCount=" + maxCount);
        }
        final TopicState state = topics.get(topic);
        if (state == null)
        {
            return List.of();
        }
        final long[] candidates = keyIndex.query(topic, key, beginMs, endMs,
            (int)Math.min(maxCount + 64L, Integer.MAX_VALUE));
        final List<StoredMessage> found = new ArrayList<>();
        final long limit = dispatchedPosition.getAsLong();
        // the candidates are the newest matches, ascending: take the newest maxCount, then restore log order
        for (int i = candidates.length - 1; i >= 0 && found.size() < maxCount; i--)
        {
            final long logOffset = candidates[i];
            final StoredMessage message = logOffset < limit ? recordAt(logOffset) : null;
            if (message != null && message.topic().equals(topic) && message.keys().contains(key) &&
                message.storeTimestampMs() >= beginMs && message.storeTimestampMs() <= endMs)
            {
                found.add(message);
            }
        }
        Collections.reverse(found);
        return found;
    }

    public Optional<StoredMessage> messageById(final String messageId)
    {
        final int tag = MessageIds.storeTag(messageId);
        final long logOffset = MessageIds.logOffset(messageId);
        if (tag != storeTag || logOffset >= dispatchedPosition.getAsLong())
        {
            return Optional.empty();
        }
        return Optional.ofNullable(recordAt(logOffset));
    }

    /**
     * @return the record at {@code logOffset} when one starts there, else null.
     */
    private StoredMessage recordAt(final long logOffset)
    {
        final LogSegment segment = log.segmentFor(logOffset);
        if (segment == null || !segment.region().tryRetain())
        {
            return null;
        }
        try
        {
            final int index = (int)(logOffset - segment.baseOffset());
            if (index + RecordDescriptor.HEADER_LENGTH > segment.usableBytes())
            {
                return null;
            }
            final RecordView view = new RecordView().wrap(segment.buffer(), index);
            if (view.magic() != RecordDescriptor.RECORD_MAGIC || view.logOffset() != logOffset ||
                view.length() < RecordDescriptor.HEADER_LENGTH || index + view.length() > segment.usableBytes() ||
                !view.isWellFormed())
            {
                return null;
            }
            final byte[] record = new byte[view.length()];
            segment.buffer().getBytes(index, record);
            final TopicState topic = topics.get(view.topic());
            return new StoredMessage(record, topic != null ? topic.name() : view.topic(), storeTag);
        }
        finally
        {
            segment.region().release();
        }
    }

    private long storeTimestampAt(final ConsumeQueue cq, final long queueOffset, final RecordView view)
    {
        final MappedRegion file = cq.retainFile(queueOffset);
        if (file == null)
        {
            return Long.MIN_VALUE;
        }
        final long logOffset;
        try
        {
            logOffset = file.buffer().getLong(cq.entryIndex(queueOffset) + LOG_OFFSET_OFFSET);
        }
        finally
        {
            file.release();
        }
        final LogSegment segment = log.segmentFor(logOffset);
        if (segment == null || !segment.region().tryRetain())
        {
            return Long.MIN_VALUE;
        }
        try
        {
            return view.wrap(segment.buffer(), (int)(logOffset - segment.baseOffset())).storeTimestampMs();
        }
        finally
        {
            segment.region().release();
        }
    }

    private ConsumeQueue consumeQueue(final String topic, final int queueId)
    {
        if (topic == null)
        {
            throw new InvalidArgumentException("illegal queue: topic=null, queueId=" + queueId);
        }
        final TopicState state = topics.get(topic);
        final QueueState queue = state == null ? null : state.queue(queueId);
        return queue == null ? null : queue.consumeQueue();
    }

    /** Copies records, keeping the current log segment retained across consecutive records. */
    private final class Cursor
    {
        private LogSegment segment;

        StoredMessage copy(final long logOffset, final int size, final String topic)
        {
            if (segment == null || !segment.contains(logOffset))
            {
                release();
                final LogSegment next = log.segmentFor(logOffset);
                if (next == null || !next.region().tryRetain())
                {
                    return null;
                }
                segment = next;
            }
            final byte[] record = new byte[size];
            segment.buffer().getBytes((int)(logOffset - segment.baseOffset()), record);
            return new StoredMessage(record, topic, storeTag);
        }

        void release()
        {
            if (segment != null)
            {
                segment.region().release();
                segment = null;
            }
        }
    }
}

package io.rocklet.store.internal;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.TagFilter;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.store.MessageIds;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.RecordVisitor;
import io.rocklet.store.ScanResult;
import io.rocklet.store.StoredRecord;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.internal.file.MappedRegion;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.log.RecordChecks;
import io.rocklet.store.internal.log.RecordDescriptor;
import io.rocklet.store.internal.log.RecordView;
import io.rocklet.store.internal.queue.ConsumeQueue;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
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
    /** A lookup by unique id returns at most this many copies (the sent one, its retries, its dead letters). */
    private static final int MAX_COPIES = 64;

    private final CommitLog log;
    private final TopicTable topics;
    private final KeyIndex keyIndex;
    private final int storeTag;
    private final LongSupplier dispatchedPosition;
    private final boolean verifyCrc;

    public StoreReader(final CommitLog log, final TopicTable topics, final KeyIndex keyIndex, final int storeTag,
        final LongSupplier dispatchedPosition,
        final boolean verifyCrc)
    {
        this.log = log;
        this.topics = topics;
        this.keyIndex = keyIndex;
        this.storeTag = storeTag;
        this.dispatchedPosition = dispatchedPosition;
        this.verifyCrc = verifyCrc;
    }

    public ReadResult read(final String topic, final int queueId, final long offset, final int maxCount,
        final int maxBytes, final TagFilter filter)
    {
        checkReadArguments(topic, queueId, offset, maxCount, maxBytes, filter);
        final ConsumeQueue cq = consumeQueue(topic, queueId);
        final ReadResult outOfRange = outOfRange(cq, offset);
        if (outOfRange != null)
        {
            return outOfRange;
        }
        final long min = cq.minOffset();
        final long max = cq.maxOffset();
        final Entries entries = gather(cq, offset, max, maxCount, maxBytes, filter);
        final byte[] data = new byte[(int)Math.min(entries.totalBytes, Integer.MAX_VALUE - 16)];
        final StoredMessage[] messages = new StoredMessage[entries.count];
        final int[] position = new int[1];
        // the one copy a read makes: every record into the batch's array
        final int copied = walk(entries, (buffer, index, i) ->
        {
            final int size = entries.sizes[i];
            buffer.getBytes(index, data, position[0], size);
            messages[i] = new StoredMessage(data, position[0], size, topic, storeTag);
            position[0] += size;
            return true;
        });
        final Outcome outcome = outcome(cq, entries, copied, offset, min, max);
        return new ReadResult(outcome.status, outcome.next, outcome.min, max,
            copied == 0 ? List.of() : Arrays.asList(messages).subList(0, copied));
    }

    /**
     * Hands matching messages to {@code visitor} as views of the mapped log: no copy at all.
     */
    public ScanResult scan(final String topic, final int queueId, final long offset, final int maxCount,
        final int maxBytes, final TagFilter filter, final RecordVisitor visitor)
    {
        checkReadArguments(topic, queueId, offset, maxCount, maxBytes, filter);
        if (visitor == null)
        {
            throw new InvalidArgumentException("illegal scan: topic=" + topic + ", queueId=" + queueId + ", visitor=null");
        }
        final ConsumeQueue cq = consumeQueue(topic, queueId);
        final ReadResult outOfRange = outOfRange(cq, offset);
        if (outOfRange != null)
        {
            return new ScanResult(outOfRange.status(), outOfRange.nextOffset(), outOfRange.minOffset(),
                outOfRange.maxOffset(), 0);
        }
        final long min = cq.minOffset();
        final long max = cq.maxOffset();
        final Entries entries = gather(cq, offset, max, maxCount, maxBytes, filter);
        final StoredRecord record = new StoredRecord();
        final int visited = walk(entries,
            (buffer, index, i) -> visitor.onRecord(record.wrap(buffer, index, topic, storeTag)));
        final Outcome outcome = outcome(cq, entries, visited, offset, min, max);
        return new ScanResult(outcome.status, outcome.next, outcome.min, max, visited);
    }

    /** Receives one gathered entry's record where it lies in the log; returns false to stop. */
    @FunctionalInterface
    private interface EntryVisitor
    {
        boolean visit(UnsafeBuffer log, int index, int entry);
    }

    /**
     * Walks the records of the gathered entries in the log, keeping each segment retained while its
     * records are visited.
     *
     * @return how many records were visited: all, up to the one the visitor stopped at, or up to the first
     *     whose segment retention deleted meanwhile.
     */
    private int walk(final Entries entries, final EntryVisitor visitor)
    {
        final RecordChecks checks = new RecordChecks(verifyCrc);
        int visited = 0;
        LogSegment segment = null;
        try
        {
            while (visited < entries.count)
            {
                final long logOffset = entries.logOffsets[visited];
                if (segment == null || !segment.contains(logOffset))
                {
                    if (segment != null)
                    {
                        segment.region().release();
                    }
                    segment = log.segmentFor(logOffset);
                    if (segment == null || !segment.region().tryRetain())
                    {
                        segment = null;
                        break;
                    }
                }
                final int index = (int)(logOffset - segment.baseOffset());
                if (!checks.intact(segment, index, logOffset, entries.sizes[visited]))
                {
                    entries.damaged = true;
                    break;
                }
                final boolean more = visitor.visit(segment.buffer(), index, visited);
                visited++;
                if (!more)
                {
                    break;
                }
            }
        }
        finally
        {
            if (segment != null)
            {
                segment.region().release();
            }
        }
        return visited;
    }

    /** Status and next offset of a read that gathered {@code entries} and delivered the first {@code delivered}. */
    private static Outcome outcome(final ConsumeQueue cq, final Entries entries, final int delivered, final long offset,
        final long min, final long max)
    {
        if (delivered > 0)
        {
            final long next = delivered == entries.count ? entries.next : entries.queueOffsets[delivered];
            return new Outcome(ReadStatus.FOUND, next, min);
        }
        if (entries.damaged)
        {
            return new Outcome(ReadStatus.DAMAGED_MESSAGE, entries.queueOffsets[0] + 1, min);
        }
        final long currentMin = cq.minOffset();
        if (entries.count > 0 || entries.next < currentMin || (entries.next == offset && entries.scanned == 0))
        {
            // the first entry's file or record is gone: retention got there first
            return new Outcome(ReadStatus.OFFSET_TOO_OLD, currentMin, currentMin);
        }
        return new Outcome(ReadStatus.NO_MATCHED_MESSAGE, entries.next, min);
    }

    private record Outcome(ReadStatus status, long next, long min)
    {
    }

    /** The answer for a queue that is unknown or an offset outside [min, max); null when the offset is readable. */
    private static ReadResult outOfRange(final ConsumeQueue cq, final long offset)
    {
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
        return null;
    }

    private static void checkReadArguments(final String topic, final int queueId, final long offset, final int maxCount,
        final int maxBytes, final TagFilter filter)
    {
        if (offset < 0 || maxCount <= 0 || maxBytes <= 0 || filter == null)
        {
            throw new InvalidArgumentException("illegal read: topic=" + topic + ", queueId=" + queueId + ", offset=" +
                offset + ", maxCount=" + maxCount + ", maxBytes=" + maxBytes + ", filter=" + filter);
        }
    }

    /** Collects the consume-queue entries a read returns: matching the filter, within the count and bytes. */
    private static Entries gather(final ConsumeQueue cq, final long offset, final long max, final int maxCount,
        final int maxBytes, final TagFilter filter)
    {
        final Entries entries = new Entries((int) Math.min(Math.min(maxCount, 256), max - offset)); // no more than exist
        entries.next = offset;
        long bytes = 0;
        scan:
        while (entries.next < max && entries.count < maxCount && entries.scanned < MAX_SCAN_ENTRIES)
        {
            final MappedRegion file = cq.retainFile(entries.next);
            if (file == null)
            {
                break;
            }
            try
            {
                final UnsafeBuffer buffer = file.buffer();
                final long fileEnd = Math.min(max, cq.fileEnd(entries.next));
                for (; entries.next < fileEnd && entries.count < maxCount && entries.scanned < MAX_SCAN_ENTRIES;
                    entries.next++, entries.scanned++)
                {
                    final int index = cq.entryIndex(entries.next);
                    if (!filter.matchesCode(buffer.getLong(index + TAG_CODE_OFFSET)))
                    {
                        continue;
                    }
                    final int size = buffer.getInt(index + SIZE_OFFSET);
                    if (entries.count > 0 && bytes + size > maxBytes)
                    {
                        break scan;
                    }
                    entries.add(entries.next, buffer.getLong(index + LOG_OFFSET_OFFSET), size);
                    bytes += Math.max(0, size);
                }
            }
            finally
            {
                file.release();
            }
        }
        entries.totalBytes = bytes;
        return entries;
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
        final List<StoredMessage> found = messagesById(messageId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * @param messageId an offset id ({@link MessageIds}) or a unique id ({@link UniqueMessageIds}).
     * @return for an offset id, the record it names; for a unique id, every stored copy of the message (the one
     *     sent, its retry and dead-letter copies), oldest first; empty when none is (or still is) in this store.
     * @throws InvalidArgumentException when the id has neither form.
     */
    public List<StoredMessage> messagesById(final String messageId)
    {
        if (UniqueMessageIds.isUniqueId(messageId))
        {
            return copiesOf(messageId);
        }
        final int tag = MessageIds.storeTag(messageId);
        final long logOffset = MessageIds.logOffset(messageId);
        final StoredMessage message = tag != storeTag || logOffset >= dispatchedPosition.getAsLong() ? null :
            recordAt(logOffset);
        return message == null ? List.of() : List.of(message);
    }

    private List<StoredMessage> copiesOf(final String uniqueId)
    {
        final long[] candidates = keyIndex.queryUniqueId(uniqueId, MAX_COPIES);
        final long limit = dispatchedPosition.getAsLong();
        final List<StoredMessage> found = new ArrayList<>();
        for (final long logOffset : candidates)
        {
            final StoredMessage message = logOffset < limit ? recordAt(logOffset) : null;
            if (message != null && uniqueId.equals(message.messageId()))
            {
                found.add(message);
            }
        }
        return found;
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
            if (!new RecordChecks(verifyCrc).intact(segment, index, logOffset, RecordChecks.ANY_SIZE))
            {
                return null;
            }
            final TopicState topic = topics.get(view.topic());
            if (topic != null && topic.isDeleted(logOffset))
            {
                return null; // stored before its topic was deleted
            }
            final byte[] record = new byte[view.length()];
            segment.buffer().getBytes(index, record);
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

    /** The consume-queue entries a read found: queue offsets, log offsets and sizes, in queue order. */
    private static final class Entries
    {
        private long[] queueOffsets;
        private long[] logOffsets;
        private int[] sizes;
        private int count;
        private int scanned;
        private long next;
        private long totalBytes;
        private boolean damaged;

        Entries(final int capacity)
        {
            queueOffsets = new long[capacity];
            logOffsets = new long[capacity];
            sizes = new int[capacity];
        }

        void add(final long queueOffset, final long logOffset, final int size)
        {
            if (count == sizes.length)
            {
                queueOffsets = Arrays.copyOf(queueOffsets, count * 2);
                logOffsets = Arrays.copyOf(logOffsets, count * 2);
                sizes = Arrays.copyOf(sizes, count * 2);
            }
            queueOffsets[count] = queueOffset;
            logOffsets[count] = logOffset;
            sizes[count] = size;
            count++;
        }
    }
}

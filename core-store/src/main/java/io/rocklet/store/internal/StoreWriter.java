package io.rocklet.store.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.StorageException;
import io.rocklet.store.AppendBatchReceipt;
import io.rocklet.store.AppendReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.internal.dispatch.DispatchRing;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.log.RecordDescriptor;
import io.rocklet.store.internal.log.RecordEncoder;
import io.rocklet.store.internal.log.RecordView;
import io.rocklet.store.internal.replica.ReplicatedRecords;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append path: the one place where appends are serialised. Under the append lock it assigns the
 * queue offset, log offset and store time, writes the record into the active segment (rolling to a
 * new one when it does not fit), and publishes the dispatch event, so that the log order, the queue
 * order and the dispatch order are one order. Callers on any thread; the lock makes one writer.
 *
 * <p>This replaces a hand-off to a writer thread through a ring buffer: with the record encoded by the
 * appending thread itself there is no second copy and no thread wake-up per append (see
 * benchmarks/README.md for the measurement); the ring still carries the dispatch.
 */
public final class StoreWriter
{
    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    private static final VarHandle COMMITTED;

    static
    {
        try
        {
            COMMITTED = MethodHandles.lookup().findVarHandle(StoreWriter.class, "committedPosition", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final CommitLog log;
    private final TopicTable topics;
    /** A slave's deletions of its master that its log has not reached yet: topic, then the position (append lock). */
    private final Map<String, Long> followedDeletions = new HashMap<>();
    private final DispatchRing ring;
    private final RecordEncoder encoder;
    private final EpochClock clock;
    private final StoreHealth health;
    private final ReplicatedRecords replicated = new ReplicatedRecords();
    private final int storeTag;
    private LogSegment active;
    private long writePosition;
    private long lastStoreTimestampMs;
    /** The queue offset of the record {@link #writeRecord} wrote last (append lock). */
    private long writtenQueueOffset;
    /** The dispatch events a batch claimed (append lock). */
    private int[] batchSlots = new int[32];
    private volatile long committedPosition;

    public StoreWriter(final CommitLog log, final TopicTable topics, final DispatchRing ring, final RecordEncoder encoder,
        final EpochClock clock, final StoreHealth health, final int storeTag, final long writePosition,
        final long lastStoreTimestampMs)
    {
        this.log = log;
        this.topics = topics;
        this.ring = ring;
        this.encoder = encoder;
        this.clock = clock;
        this.health = health;
        this.storeTag = storeTag;
        this.writePosition = writePosition;
        this.committedPosition = writePosition;
        this.lastStoreTimestampMs = lastStoreTimestampMs;
        this.active = activeSegment(); // map it now: the first append should not pay for it
    }

    /**
     * @return the end of the last appended record.
     */
    public long committedPosition()
    {
        return committedPosition;
    }

    /**
     * Appends {@code request}, filling {@code receipt}.
     *
     * @return the log offset of the record.
     */
    public long append(final AppendRequest request, final AppendReceipt receipt)
    {
        final long logOffset;
        final long queueOffset;
        final long storeTimestamp;
        final int length;
        lock.lock();
        try
        {
            health.checkWritable();
            // topics are ASCII (Message validated the name): characters and bytes are one
            length = encoder.measure(request, request.message().topic().length());
            final int slot = ring.claim();
            try
            {
                storeTimestamp = Math.max(clock.time(), lastStoreTimestampMs);
                logOffset = writeRecord(request, length, slot, storeTimestamp);
                queueOffset = writtenQueueOffset;
            }
            catch (final RuntimeException | InternalError e)
            {
                ring.abort(slot);
                throw fenceOnFault(e, request);
            }
        }
        finally
        {
            lock.unlock();
        }
        ring.wakeConsumer();
        receipt.set(logOffset, queueOffset, storeTimestamp, length, storeTag);
        return logOffset;
    }

    /**
     * Appends {@code requests} under one acquisition of the lock, one record each, next to each other (a record that
     * does not fit the segment's remainder rolls it as a single append does), filling {@code receipt}. Every request
     * is measured and every dispatch event claimed before the first record is written, so a refused batch (bad
     * request, dispatcher busy) writes nothing.
     *
     * @return the log offset of the first record.
     * @throws io.rocklet.api.InvalidArgumentException naming the index of the request refused, or for a batch empty or
     *                                                 larger than the dispatch ring takes at once.
     */
    public long appendBatch(final List<AppendRequest> requests, final AppendBatchReceipt receipt)
    {
        final int count = requests.size();
        if (count == 0 || count > ring.maxClaimedEvents())
        {
            throw new InvalidArgumentException("illegal batch size: records=" + count + ", allowed=1.." +
                ring.maxClaimedEvents() + " (half the dispatch ring, dispatchRingBytes)");
        }
        receipt.reset(count, storeTag);
        int claimed = 0;
        int written = 0;
        lock.lock();
        try
        {
            health.checkWritable();
            for (int i = 0; i < count; i++)
            {
                measureInBatch(requests.get(i), i, count);
            }
            if (batchSlots.length < count)
            {
                batchSlots = new int[Math.max(count, batchSlots.length * 2)];
            }
            for (; claimed < count; claimed++)
            {
                batchSlots[claimed] = ring.claim();
            }
            final long storeTimestamp = Math.max(clock.time(), lastStoreTimestampMs);
            for (; written < count; written++)
            {
                final AppendRequest request = requests.get(written);
                try
                {
                    final int length = encoder.restoreMeasured(written);
                    final long logOffset = writeRecord(request, length, batchSlots[written], storeTimestamp);
                    receipt.add(logOffset, writtenQueueOffset, storeTimestamp, length);
                }
                catch (final RuntimeException | InternalError e)
                {
                    throw fenceOnFault(e, request);
                }
            }
        }
        finally
        {
            for (int i = written; i < claimed; i++)
            {
                ring.abort(batchSlots[i]);
            }
            lock.unlock();
        }
        ring.wakeConsumer();
        return receipt.logOffset(0);
    }

    /** Measures the request at {@code index} of a batch (the append-lock holder), naming the index when refused. */
    private void measureInBatch(final AppendRequest request, final int index, final int count)
    {
        if (request == null)
        {
            throw new InvalidArgumentException("batch refused, missing request: index=" + index + ", records=" + count);
        }
        try
        {
            encoder.measure(request, request.message().topic().length());
            encoder.keepMeasured(index);
        }
        catch (final InvalidArgumentException e)
        {
            throw new InvalidArgumentException(e.errorCode(), "batch refused, nothing stored: index=" + index +
                ", records=" + count + ", " + e.getMessage());
        }
    }

    /**
     * Writes the request just measured into the active segment (rolling to a new one when it does not fit) and
     * publishes its dispatch event in {@code slot} (the append-lock holder); its queue offset goes to
     * {@link #writtenQueueOffset}.
     *
     * @return the record's log offset.
     */
    private long writeRecord(final AppendRequest request, final int length, final int slot, final long storeTimestamp)
    {
        final Message message = request.message();
        // created only once the append cannot be refused, so that a rejected one leaves nothing behind
        final TopicState topic = topics.getOrCreate(message.topic());
        final QueueState queue = topic.getOrCreateQueue(request.queueId());
        LogSegment segment = activeSegment();
        long position = writePosition;
        int index = (int)(position - segment.baseOffset());
        if (index + length + RecordDescriptor.MIN_FILLER_LENGTH > segment.usableBytes())
        {
            segment = roll(segment, index);
            position = segment.baseOffset();
            index = 0;
        }
        final long queueOffset = queue.nextAppendOffset();
        encoder.encode(segment.buffer(), segment.writerCrcView(), index, request, topic.nameBytes(),
            queueOffset, position, storeTimestamp);
        queue.nextAppendOffset(queueOffset + 1);
        lastStoreTimestampMs = storeTimestamp;
        writePosition = position + length;
        writtenQueueOffset = queueOffset;
        COMMITTED.setRelease(this, writePosition);
        ring.publish(slot, topic.id(), request.queueId(), queueOffset, position, length,
            message.keys().size(), message.hasTag() ? message.tag().hashCode() : 0L, storeTimestamp);
        return position;
    }

    /**
     * @return {@code e} to rethrow; for a fault on the mapping (I/O error, file truncated underneath: the log can no
     *     longer be trusted) the store is fenced first and the fence's exception returned.
     */
    private RuntimeException fenceOnFault(final Throwable e, final AppendRequest request)
    {
        if (e instanceof RuntimeException runtime)
        {
            return runtime;
        }
        final StorageException fault = new StorageException(ErrorCode.STORE_FENCED,
            "write to the commit log failed: topic=" + request.message().topic() + ", position=" + writePosition, e);
        health.fence(fault);
        return fault;
    }

    /**
     * Appends raw replicated bytes (whole records as the master stored them) at exactly the log's end, checking each
     * entry as it arrives ({@link ReplicatedRecords}), and dispatches each record as an append would. Entries before a
     * refused one stay appended: the caller reads the new end from {@link #committedPosition()}.
     *
     * @return the log end after the chunk.
     * @throws io.rocklet.api.InvalidArgumentException when the bytes do not start at the log end (gap or overlap), a
     *                                                 record does not verify or does not follow its queue.
     */
    public long appendReplicated(final long offset, final byte[] bytes)
    {
        lock.lock();
        try
        {
            health.checkWritable();
            if (offset != writePosition)
            {
                throw new io.rocklet.api.InvalidArgumentException("replicated bytes must start at the log end: offset=" +
                    offset + ", logEnd=" + writePosition + ", problem=" + (offset > writePosition ? "gap" : "overlap"));
            }
            replicated.wrap(bytes, offset);
            int index = 0;
            while (index < bytes.length)
            {
                if (!followedDeletions.isEmpty())
                {
                    deleteReached(); // a deletion at this entry's position: before the entry, as on the master
                }
                index += appendReplicatedEntry(index);
            }
            if (!followedDeletions.isEmpty())
            {
                deleteReached();
            }
        }
        finally
        {
            lock.unlock();
            ring.wakeConsumer();
        }
        return committedPosition;
    }

    /**
     * In a log that does not start at 0 (a replica seeded from its master's retained log), a queue's first record may
     * carry any queue offset: the master's queue began before this log did.
     */
    private boolean startsSeededQueue(final QueueState queue, final RecordView record)
    {
        return queue.nextAppendOffset() == 0 && record.queueOffset() > 0 && log.minOffset() > 0;
    }

    private int appendReplicatedEntry(final int index)
    {
        LogSegment segment = activeSegment();
        final int segmentIndex = (int)(writePosition - segment.baseOffset());
        final ReplicatedRecords.Kind kind = replicated.check(index, writePosition, segmentIndex, segment.usableBytes());
        final int length = replicated.buffer().getInt(index);
        try
        {
            if (kind == ReplicatedRecords.Kind.FILLER)
            {
                roll(segment, segmentIndex);
                COMMITTED.setRelease(this, writePosition);
                return length;
            }
            if (kind == ReplicatedRecords.Kind.GAP)
            {
                segment.buffer().putBytes(segmentIndex, replicated.buffer(), index, length);
                writePosition += length;
                if (segmentIndex + length == segment.usableBytes())
                {
                    segment.seal(lastStoreTimestampMs);
                    active = log.addSegment(segment.endOffset());
                    writePosition = active.baseOffset();
                }
                COMMITTED.setRelease(this, writePosition);
                return length;
            }
            final RecordView record = replicated.view();
            final TopicState topic = topics.getOrCreate(record.topic());
            final QueueState queue = topic.getOrCreateQueue(record.queueId());
            if (record.queueOffset() != queue.nextAppendOffset() && !startsSeededQueue(queue, record))
            {
                throw new io.rocklet.api.InvalidArgumentException("replicated record does not follow its queue: " +
                    "topic=" + topic.name() + ", queueId=" + record.queueId() + ", queueOffset=" + record.queueOffset() +
                    ", expected=" + queue.nextAppendOffset() + ", logOffset=" + writePosition);
            }
            final int slot = ring.claim();
            try
            {
                segment.buffer().putBytes(segmentIndex, replicated.buffer(), index, length);
            }
            catch (final InternalError e)
            {
                ring.abort(slot);
                throw e;
            }
            final long logOffset = writePosition;
            final long storeTimestamp = record.storeTimestampMs();
            queue.nextAppendOffset(record.queueOffset() + 1);
            lastStoreTimestampMs = Math.max(lastStoreTimestampMs, storeTimestamp);
            writePosition = logOffset + length;
            COMMITTED.setRelease(this, writePosition);
            ring.publish(slot, topic.id(), record.queueId(), record.queueOffset(), logOffset, length,
                record.keyCount(), record.tagCode(), storeTimestamp);
            return length;
        }
        catch (final InternalError e)
        {
            final StorageException fault = new StorageException(ErrorCode.STORE_FENCED,
                "replicated write to the commit log failed: position=" + writePosition, e);
            health.fence(fault);
            throw fault;
        }
    }

    /**
     * Deletes a topic's messages from view (the records stay in the log until retention): under the append lock, marks
     * the topic's records below the current log position deleted (persisted), restarts its queues' offsets at 0 for
     * appends and publishes the reset of its consume queues to the dispatcher, between the last record before and the
     * first after.
     *
     * @return completes once the dispatcher has reset the consume queues; at once for a topic never stored.
     */
    public CompletableFuture<Void> deleteTopic(final String name)
    {
        lock.lock();
        try
        {
            health.checkWritable();
            final TopicState topic = topics.get(name);
            if (topic == null)
            {
                return CompletableFuture.completedFuture(null);
            }
            return delete(topic, writePosition);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * A slave follows its master's deletion of a topic at {@code logOffset}: now when the log has reached it, else
     * when {@link #appendReplicated} reaches it (kept until then; a later deletion of the topic replaces it).
     *
     * @return true when the deletion is new (above the topic's watermark and not already waiting).
     */
    public boolean followDeletion(final String name, final long logOffset)
    {
        lock.lock();
        try
        {
            health.checkWritable();
            if (logOffset <= topics.watermark(name) || Long.valueOf(logOffset).equals(followedDeletions.get(name)))
            {
                return false;
            }
            if (logOffset <= writePosition)
            {
                delete(topics.getOrCreate(name), logOffset);
                ring.wakeConsumer();
            }
            else
            {
                followedDeletions.put(name, logOffset);
            }
            return true;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Deletes the records of {@code topic} below {@code logOffset} and restarts its queues (the append-lock holder):
     * the watermark on disk first, then the reset published to the dispatcher at the current log position.
     */
    private CompletableFuture<Void> delete(final TopicState topic, final long logOffset)
    {
        topics.markDeleted(topic, logOffset);
        for (final QueueState queue : topic.queues())
        {
            queue.nextAppendOffset(0);
        }
        final CompletableFuture<Void> reset = topic.resetPublished();
        ring.publishTopicReset(topic.id(), writePosition);
        ring.wakeConsumer();
        return reset;
    }

    /** Applies the followed deletions the replicated log has reached (the append-lock holder). */
    private void deleteReached()
    {
        final Iterator<Map.Entry<String, Long>> deletions = followedDeletions.entrySet().iterator();
        while (deletions.hasNext())
        {
            final Map.Entry<String, Long> deletion = deletions.next();
            if (deletion.getValue() <= writePosition)
            {
                deletions.remove();
                delete(topics.getOrCreate(deletion.getKey()), deletion.getValue());
                LOG.info("replicated log reached a topic deletion: topic={}, logOffset={}", deletion.getKey(),
                    deletion.getValue());
            }
        }
    }

    /**
     * Waits for every append in flight to finish and refuses later ones (close).
     */
    public void stop()
    {
        lock.lock();
        try
        {
            health.markClosed();
        }
        finally
        {
            lock.unlock();
        }
    }

    private LogSegment activeSegment()
    {
        LogSegment segment = active;
        if (segment == null || writePosition >= segment.endOffset())
        {
            segment = log.segmentFor(writePosition);
            if (segment == null)
            {
                segment = log.addSegment(writePosition);
            }
            active = segment;
        }
        return segment;
    }

    private LogSegment roll(final LogSegment full, final int index)
    {
        RecordEncoder.encodeFiller(full.buffer(), index, full.usableBytes());
        full.seal(lastStoreTimestampMs);
        final LogSegment next = log.addSegment(full.endOffset());
        active = next;
        writePosition = next.baseOffset();
        return next;
    }
}

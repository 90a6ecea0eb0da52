package io.rocklet.store.internal.dispatch;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

import static io.rocklet.store.internal.dispatch.DispatchDescriptor.*;

/**
 * The ring that carries stored-record events from the append path to the dispatcher. One producer
 * at a time (the append-lock holder, so a one-to-one ring suffices) and one consumer (the
 * dispatcher). When the ring is full the producer waits up to {@code busyTimeoutNs} for the
 * dispatcher, then gives up with a retriable {@link ErrorCode#BUSY} error.
 */
public final class DispatchRing
{
    private final RingBuffer ring;
    private final NanoClock nanoClock;
    private final long busyTimeoutNs;
    private volatile Runnable consumerWaker;

    public DispatchRing(final int capacityBytes, final NanoClock nanoClock, final long busyTimeoutNs)
    {
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.nanoClock = nanoClock;
        this.busyTimeoutNs = busyTimeoutNs;
    }

    /**
     * @param consumerWaker wakes the thread running the dispatcher when events arrive (its agent host's
     *                      {@code Agents::wake}), or null when nothing needs waking (INVOKER mode, closed).
     */
    public void consumerWaker(final Runnable consumerWaker)
    {
        this.consumerWaker = consumerWaker;
    }

    /**
     * Claims space for one event.
     *
     * @return the index to write the event at.
     * @throws RockletException with {@link ErrorCode#BUSY} when the dispatcher stays behind too long.
     */
    public int claim()
    {
        final int index = ring.tryClaim(MSG_APPENDED, EVENT_LENGTH);
        return index > 0 ? index : claimSlowly(MSG_APPENDED);
    }

    /**
     * Publishes a topic reset (its deletion): the queues of {@code topicId} restart empty after every event before.
     *
     * @param watermark the log position at the delete.
     * @throws RockletException with {@link ErrorCode#BUSY} when the dispatcher stays behind too long.
     */
    public void publishTopicReset(final int topicId, final long watermark)
    {
        final int claimed = ring.tryClaim(MSG_TOPIC_RESET, EVENT_LENGTH);
        final int index = claimed > 0 ? claimed : claimSlowly(MSG_TOPIC_RESET);
        final UnsafeBuffer buffer = (UnsafeBuffer)ring.buffer();
        buffer.setMemory(index, EVENT_LENGTH, (byte)0);
        buffer.putInt(index + TOPIC_ID_OFFSET, topicId);
        buffer.putLong(index + LOG_OFFSET_OFFSET, watermark);
        ring.commit(index);
    }

    public void publish(final int index, final int topicId, final int queueId, final long queueOffset,
        final long logOffset, final int size, final int keyCount, final long tagCode, final long storeTimestampMs)
    {
        final UnsafeBuffer buffer = (UnsafeBuffer)ring.buffer();
        buffer.putInt(index + TOPIC_ID_OFFSET, topicId);
        buffer.putInt(index + QUEUE_ID_OFFSET, queueId);
        buffer.putLong(index + QUEUE_OFFSET_OFFSET, queueOffset);
        buffer.putLong(index + LOG_OFFSET_OFFSET, logOffset);
        buffer.putInt(index + SIZE_OFFSET, size);
        buffer.putInt(index + KEY_COUNT_OFFSET, keyCount);
        buffer.putLong(index + TAG_CODE_OFFSET, tagCode);
        buffer.putLong(index + STORE_TIMESTAMP_OFFSET, storeTimestampMs);
        ring.commit(index);
    }

    public void abort(final int index)
    {
        ring.abort(index);
    }

    /**
     * Wakes the dispatcher if it is parked.
     */
    public void wakeConsumer()
    {
        final Runnable waker = consumerWaker;
        if (waker != null)
        {
            waker.run();
        }
    }

    /**
     * Consumer side: hands up to {@code limit} events to {@code handler}.
     *
     * @return the number of events read.
     */
    public int read(final MessageHandler handler, final int limit)
    {
        final int read = ring.read(handler, limit);
        // one ring read stops at the end of the buffer: after a wrap it may have consumed only the padding
        return read < limit && hasEvents() ? read + ring.read(handler, limit - read) : read;
    }

    /**
     * @return true when events are waiting.
     */
    public boolean hasEvents()
    {
        return ring.producerPosition() != ring.consumerPosition();
    }

    /**
     * @return bytes of events waiting.
     */
    public int pendingBytes()
    {
        return ring.size();
    }

    public int capacity()
    {
        return ring.capacity();
    }

    /**
     * @return how many events one producer may hold claimed at once (half the ring, so that a claim of that many never
     *     waits for more than the dispatcher can free).
     */
    public int maxClaimedEvents()
    {
        final int eventBytes = org.agrona.BitUtil.align(
            org.agrona.concurrent.ringbuffer.RecordDescriptor.HEADER_LENGTH + EVENT_LENGTH,
            org.agrona.concurrent.ringbuffer.RecordDescriptor.ALIGNMENT);
        return ring.capacity() / 2 / eventBytes;
    }

    private int claimSlowly(final int msgTypeId)
    {
        final long start = nanoClock.nanoTime();
        int attempts = 0;
        while (true)
        {
            wakeConsumer();
            if (++attempts < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
            final int index = ring.tryClaim(msgTypeId, EVENT_LENGTH);
            if (index > 0)
            {
                return index;
            }
            final long waited = nanoClock.nanoTime() - start;
            if (waited >= busyTimeoutNs)
            {
                throw new RockletException(ErrorCode.BUSY, "store busy: the dispatcher is behind, ringCapacityBytes=" +
                    ring.capacity() + ", waitedMs=" + waited / 1_000_000);
            }
        }
    }
}

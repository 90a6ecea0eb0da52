package io.rocklet.benchmarks.jmh;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The writer thread of the hand-off design: drains records that appenders put on a ring and writes
 * each into the {@link DesignRecordSink} with its CRC. Ring message layout: {@code [queue id: 4]
 * [born timestamp: 8][body]}. Owns the sink while it runs.
 */
final class HandoffWriter implements Agent, MessageHandler
{
    static final int QUEUE_ID_OFFSET = 0;
    static final int BORN_TIMESTAMP_OFFSET = 4;
    static final int BODY_OFFSET = 12;
    private static final int READ_LIMIT = 256;

    private final RingBuffer ring;
    private final DesignRecordSink sink;
    private final EpochClock clock;

    HandoffWriter(final RingBuffer ring, final DesignRecordSink sink, final EpochClock clock)
    {
        this.ring = ring;
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public int doWork()
    {
        return ring.read(this, READ_LIMIT);
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        sink.append(buffer.getInt(index + QUEUE_ID_OFFSET), buffer.getLong(index + BORN_TIMESTAMP_OFFSET),
            clock.time(), buffer, index + BODY_OFFSET, length - BODY_OFFSET);
    }

    @Override
    public String roleName()
    {
        return "design-handoff-writer";
    }
}

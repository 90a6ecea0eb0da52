package io.rocklet.store.internal.dispatch;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.rocklet.store.internal.dispatch.DispatchDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class DispatchRingTest
{
    private static final int CAPACITY = 4096;

    private final AtomicLong nanos = new AtomicLong();
    private final NanoClock clock = () -> nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    private final DispatchRing ring = new DispatchRing(CAPACITY, clock, TimeUnit.MILLISECONDS.toNanos(10));
    private final List<Long> queueOffsets = new ArrayList<>();

    @Test
    void shouldDeliverEventFieldsWhenPublished()
    {
        ring.publish(ring.claim(), 3, 4, 5L, 6L, 7, 8, 9L, 10L);
        final long[] fields = new long[8];

        final int read = ring.read((type, buffer, index, length) ->
        {
            assertEquals(MSG_APPENDED, type);
            assertEquals(EVENT_LENGTH, length);
            fields[0] = buffer.getInt(index + TOPIC_ID_OFFSET);
            fields[1] = buffer.getInt(index + QUEUE_ID_OFFSET);
            fields[2] = buffer.getLong(index + QUEUE_OFFSET_OFFSET);
            fields[3] = buffer.getLong(index + LOG_OFFSET_OFFSET);
            fields[4] = buffer.getInt(index + SIZE_OFFSET);
            fields[5] = buffer.getInt(index + KEY_COUNT_OFFSET);
            fields[6] = buffer.getLong(index + TAG_CODE_OFFSET);
            fields[7] = buffer.getLong(index + STORE_TIMESTAMP_OFFSET);
        }, 10);

        assertEquals(1, read);
        assertArrayEquals(new long[] {3, 4, 5, 6, 7, 8, 9, 10}, fields);
        assertFalse(ring.hasEvents(), "consumed");
    }

    @Test
    void shouldAnswerBusyWhenRingStaysFullPastTheTimeout()
    {
        final int fits = fill();

        final RockletException e = assertThrows(RockletException.class, ring::claim);

        assertEquals(ErrorCode.BUSY, e.errorCode());
        assertTrue(e.retriable(), "BUSY is retriable");
        assertTrue(fits > 60, "a 4 KiB ring holds dozens of events: " + fits);
        assertEquals(fits, readAll(), "every published event is delivered");
    }

    @Test
    void shouldCountEventsAfterTheWrapWhenOneReadCallCrossesTheBufferEnd()
    {
        final int fits = fill();
        assertEquals(fits, readAll());

        publish(1000);

        assertEquals(1, ring.read(this::onEvent, 100), "the event after the padding is read in the same call");
        assertEquals(List.of(1000L), queueOffsets.subList(fits, queueOffsets.size()));
        assertFalse(ring.hasEvents(), "nothing left");
    }

    @Test
    void shouldSkipEventWhenItsClaimIsAborted()
    {
        publish(1);
        ring.abort(ring.claim());
        publish(3);

        assertEquals(2, readAll());
        assertEquals(List.of(1L, 3L), queueOffsets);
    }

    private int fill()
    {
        int published = 0;
        while (ring.pendingBytes() + 2 * (EVENT_LENGTH + 8) <= ring.capacity())
        {
            publish(published++);
        }
        while (true)
        {
            try
            {
                publish(published);
                published++;
            }
            catch (final RockletException e)
            {
                return published;
            }
        }
    }

    private void publish(final long queueOffset)
    {
        ring.publish(ring.claim(), 0, 0, queueOffset, queueOffset * 100, 100, 0, 0L, 0L);
    }

    private int readAll()
    {
        int total = 0;
        int read;
        while ((read = ring.read(this::onEvent, 1000)) > 0)
        {
            total += read;
        }
        return total;
    }

    private void onEvent(final int type, final org.agrona.MutableDirectBuffer buffer, final int index,
        final int length)
    {
        queueOffsets.add(buffer.getLong(index + QUEUE_OFFSET_OFFSET));
    }
}

package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ProcessQueueTest
{
    private static final MessageQueue QUEUE = new MessageQueue("T", "b1", 0);

    private static ReceivedMessageImpl message(final long offset, final String body)
    {
        return new ReceivedMessageImpl(new TestMessage("id-" + offset, "T", "", Map.of(),
            body.getBytes(StandardCharsets.UTF_8), 0, offset, 0, 0), QUEUE);
    }

    private static List<ReceivedMessageImpl> messages(final long from, final long to)
    {
        final List<ReceivedMessageImpl> messages = new ArrayList<>();
        for (long offset = from; offset < to; offset++)
        {
            messages.add(message(offset, "body-" + offset));
        }
        return messages;
    }

    @Test
    void shouldCommitTheLowestHeldOffsetWhenAcknowledgementsLeaveGaps()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        assertEquals(-1, queue.committableOffset());
        queue.start(10);
        assertEquals(10, queue.committableOffset());
        final List<ReceivedMessageImpl> pulled = queue.add(messages(10, 15), 15);

        queue.remove(List.of(pulled.get(1), pulled.get(3)));
        assertEquals(10, queue.committableOffset(), "10 is still in flight");
        queue.remove(List.of(pulled.get(0)));
        assertEquals(12, queue.committableOffset());
        queue.remove(List.of(pulled.get(2)));
        assertEquals(14, queue.committableOffset());
        queue.remove(List.of(pulled.get(4)));
        assertEquals(15, queue.committableOffset(), "nothing held: the next pull's offset");
    }

    @Test
    void shouldHandOutBatchesInOffsetOrderSoThatADroppedQueueLeavesNoConsumedMessageAboveItsCommit()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        queue.start(0);
        queue.add(messages(0, 6), 6);

        // two consume threads: whichever runs first takes the lowest offsets
        final List<ReceivedMessageImpl> first = queue.beginNextBatch(2);
        final List<ReceivedMessageImpl> second = queue.beginNextBatch(2);
        assertEquals(List.of(0L, 1L), first.stream().map(ReceivedMessageImpl::queueOffset).toList());
        assertEquals(List.of(2L, 3L), second.stream().map(ReceivedMessageImpl::queueOffset).toList());
        queue.remove(second); // the later batch finishes first
        queue.endCall();

        queue.drop();
        assertEquals(List.of(), queue.beginNextBatch(2), "nothing more once dropped");
        assertFalse(queue.idle().isDone(), "the first batch is still in progress");
        queue.remove(first);
        queue.endCall();
        assertTrue(queue.idle().isDone());
        assertEquals(4, queue.committableOffset(), "every message below the commit was consumed, none above it");
    }

    @Test
    void shouldHandOutOneMessageAtATimeInOffsetOrderWhenTheBatchSizeIsOne()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        queue.start(0);
        queue.add(messages(0, 3), 3);

        final List<Long> taken = new ArrayList<>();
        for (List<ReceivedMessageImpl> batch = queue.beginNextBatch(1); !batch.isEmpty();
            batch = queue.beginNextBatch(1))
        {
            assertEquals(1, batch.size());
            taken.add(batch.get(0).queueOffset());
        }
        queue.add(messages(3, 5), 5);
        final List<ReceivedMessageImpl> rest = queue.beginNextBatch(4);

        assertEquals(List.of(0L, 1L, 2L), taken);
        assertEquals(List.of(3L, 4L), rest.stream().map(ReceivedMessageImpl::queueOffset).toList(),
            "a later pull's messages follow, fewer than asked for");
    }

    @Test
    void shouldMoveTheCommittableOffsetPastFilteredMessagesWhenNothingIsHeld()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        queue.start(0);
        queue.advance(7);
        assertEquals(7, queue.committableOffset());
        queue.add(List.of(message(9, "x")), 12);
        assertEquals(9, queue.committableOffset());
    }

    @Test
    void shouldCountHeldMessagesAndBodyBytesWhenAddingAndRemoving()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        queue.start(0);
        final List<ReceivedMessageImpl> pulled = queue.add(List.of(message(0, "abc"), message(1, "defgh")), 2);
        assertEquals(2, queue.messageCount());
        assertEquals(8, queue.bodyBytes());

        assertEquals(List.of(), queue.add(List.of(message(1, "defgh")), 2), "already held");
        queue.remove(List.of(pulled.get(0)));
        queue.remove(List.of(pulled.get(0)));

        assertEquals(1, queue.messageCount());
        assertEquals(5, queue.bodyBytes());
    }

    @Test
    void shouldResumePullingOnceWhenConsumptionDrainsAFullQueueToHalfItsLimit()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        queue.start(0);
        final List<ReceivedMessageImpl> held = queue.add(messages(0, 10), 10);
        final int[] resumed = new int[1];
        assertFalse(queue.pauseWhenFull(10, Long.MAX_VALUE, () -> resumed[0]++), "at the limit, not over it");
        queue.add(messages(10, 11), 11);
        assertTrue(queue.pauseWhenFull(10, Long.MAX_VALUE, () -> resumed[0]++));

        queue.remove(held.subList(0, 5));
        assertEquals(0, resumed[0], "6 held, above half of 10");
        queue.remove(held.subList(5, 6));
        assertEquals(1, resumed[0], "5 held: resumed");
        queue.remove(held.subList(6, 10));
        assertEquals(1, resumed[0], "resumed once only");
        assertEquals(null, queue.takeResume(), "nothing left for the fallback timer");
    }

    @Test
    void shouldHandTheResumeToTheFallbackTimerOnlyOnceWhenStillFull()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        queue.start(0);
        final List<ReceivedMessageImpl> held = queue.add(messages(0, 4), 4);
        final int[] resumed = new int[1];
        assertTrue(queue.pauseWhenFull(1, 100, () -> resumed[0]++));

        final Runnable fallback = queue.takeResume();
        assertTrue(fallback != null);
        assertEquals(null, queue.takeResume());
        queue.remove(held);
        assertEquals(0, resumed[0], "the timer took it: removing runs nothing");
    }

    @Test
    void shouldBecomeIdleOnlyAfterTheCallsInProgressEndWhenDropped()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        queue.start(0);
        assertTrue(queue.tryBeginCall());
        assertTrue(queue.tryBeginCall());

        queue.drop();
        assertFalse(queue.idle().isDone());
        assertFalse(queue.tryBeginCall(), "no new call after drop");
        assertEquals(List.of(), queue.add(messages(0, 3), 3), "no messages after drop");
        queue.endCall();
        assertFalse(queue.idle().isDone());
        queue.endCall();

        assertTrue(queue.idle().isDone());
        assertFalse(queue.discarded());
    }

    @Test
    void shouldRunOneOrderlyTaskAtATimeWhenMessagesArrive()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        queue.start(0);
        assertFalse(queue.tryStartConsuming(), "nothing held");
        final List<ReceivedMessageImpl> pulled = queue.add(messages(0, 3), 3);

        assertTrue(queue.tryStartConsuming());
        assertFalse(queue.tryStartConsuming(), "a task is already running");
        assertEquals(pulled.subList(0, 2), queue.firstMessages(2));
        queue.remove(pulled);
        assertFalse(queue.continueOrStop(), "nothing left: the task stops");
        queue.add(messages(3, 4), 4);
        assertTrue(queue.tryStartConsuming());
    }

    @Test
    void shouldTreatTheLockAsValidOnlyWithinItsLifetime()
    {
        final ProcessQueue queue = new ProcessQueue(QUEUE);
        assertFalse(queue.lockValid(System.nanoTime()));
        final long now = System.nanoTime();
        queue.markLocked(true, now);
        assertTrue(queue.lockValid(now + 1));
        assertFalse(queue.lockValid(now + ProcessQueue.LOCK_VALID_NANOS));
        queue.markLocked(false, now);
        assertFalse(queue.lockValid(now));
    }
}

package io.rocklet.testkit;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.ReceivedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class RecordingListenerTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void shouldReturnEveryRecordedMessageWhenTheCountArrivesFromAnotherThread() throws InterruptedException
    {
        final RecordingListener listener = RecordingListener.create();
        final Thread consumeThread = new Thread(() ->
        {
            for (int i = 0; i < 3; i++)
            {
                listener.consume(List.of(TestMessages.received("orders", 0, i, "", "m" + i)));
            }
        });
        consumeThread.start();

        final List<ReceivedMessage> received = listener.awaitCount(3, WAIT);

        consumeThread.join();
        assertEquals(List.of("m0", "m1", "m2"), listener.bodies());
        assertEquals(3, received.size());
        assertEquals(3, listener.count());
    }

    @Test
    void shouldListWhatArrivedWhenFewerMessagesArriveInTime()
    {
        final RecordingListener listener = RecordingListener.create();
        listener.consume(List.of(TestMessages.received("orders", 0, 0, "paid", "{\"order\":1}"),
            TestMessages.received("orders", 1, 0, "", "two")));
        listener.consume(List.of(TestMessages.received("orders", 0, 1, "", "three")));

        final AssertionError error = assertThrows(AssertionError.class,
            () -> listener.awaitCount(5, Duration.ofMillis(200)));

        assertEquals("expected 5 messages at the recording listener within 200 ms, received 3: " +
            "[orders@0:0 tag=paid body=\"{\\\"order\\\":1}\", orders@1:0 body=\"two\", orders@0:1 body=\"three\"]",
            error.getMessage());
    }

    @Test
    void shouldReturnTheDelegateVerdictWhenDelegating()
    {
        final List<ReceivedMessage> seenByDelegate = new ArrayList<>();
        final RecordingListener listener = RecordingListener.delegatingTo(messages ->
        {
            seenByDelegate.addAll(messages);
            return ConsumeResult.RECONSUME_LATER;
        });
        final List<ReceivedMessage> batch = List.of(TestMessages.received("orders", 0, 0, "", "a"));

        assertEquals(ConsumeResult.RECONSUME_LATER, listener.consume(batch));
        assertEquals(ConsumeResult.RECONSUME_LATER, listener.consume(batch));

        assertEquals(batch, seenByDelegate.subList(0, 1));
        assertEquals(2, listener.count(), "every delivery is recorded, redeliveries too");
        assertEquals(ConsumeResult.SUCCESS, RecordingListener.create().consume(batch));
    }

    @Test
    void shouldCountFromZeroWhenCleared()
    {
        final RecordingListener listener = RecordingListener.create();
        listener.consume(List.of(TestMessages.received("orders", 0, 0, "", "old")));

        listener.clear();
        listener.consume(List.of(TestMessages.received("orders", 0, 1, "", "new")));

        assertEquals(List.of("new"), listener.bodies());
        assertEquals(1, listener.awaitCount(1, WAIT).size());
        assertTrue(listener.awaitCount(0, WAIT).size() >= 0, "zero returns at once");
    }

    @Test
    void shouldNameTheArgumentWhenItIsIllegal()
    {
        final RecordingListener listener = RecordingListener.create();

        assertEquals("illegal awaitCount argument: count=-1, allowed: >= 0",
            assertThrows(InvalidArgumentException.class, () -> listener.awaitCount(-1, WAIT)).getMessage());
        assertEquals("illegal awaitCount argument: timeout=null, allowed: > 0",
            assertThrows(InvalidArgumentException.class, () -> listener.awaitCount(1, null)).getMessage());
        assertEquals("illegal awaitCount argument: timeout=PT-1S, allowed: > 0",
            assertThrows(InvalidArgumentException.class, () -> listener.awaitCount(1, Duration.ofSeconds(-1)))
                .getMessage());
        assertEquals("illegal RecordingListener.delegatingTo argument: delegate=null",
            assertThrows(InvalidArgumentException.class, () -> RecordingListener.delegatingTo(null)).getMessage());
    }
}

package io.rocklet.testkit;

import io.rocklet.api.Delay;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SendReceipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TestTopic#send(Delay, String)}: a delayed message reaches the topic only after its delay;
 * {@link TestTopic#recall}: a recalled one never does.
 */
@Timeout(60)
class DelayedSendTest
{
    private static final Duration LEVEL_1 = Duration.ofSeconds(1);

    @RegisterExtension
    static final RockletExtension ROCKLET = RockletExtension.builder().delayLevels(List.of(LEVEL_1)).build();

    @Test
    void shouldReceiveTheMessageOnlyAfterItsDelayWhenSentWithADelay(final TestTopic topic)
    {
        final long sentNanos = System.nanoTime();
        topic.send(Delay.level(1), "by level");
        topic.send(Delay.after(LEVEL_1), "by time");

        final List<ReceivedMessage> received = topic.receive(2, Duration.ofSeconds(20));
        final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNanos);
        assertTrue(waitedMs >= LEVEL_1.toMillis(), "delivered after " + waitedMs + " ms");
        assertEquals(List.of("by level", "by time"), received.stream()
            .map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).sorted().toList());
        assertEquals(topic.name(), received.get(0).topic());
    }

    @Test
    void shouldNeverReceiveAMessageRecalledBeforeItsDelay(final TestTopic topic)
    {
        final SendReceipt recalled = topic.send(Delay.after(LEVEL_1), "recalled");
        assertTrue(topic.recall(recalled));
        assertFalse(topic.recall(recalled), "recalled before");
        topic.send(Delay.after(LEVEL_1), "kept"); // due after the recalled one: delivered after it would have been

        assertEquals(List.of("kept"), topic.receive(1, Duration.ofSeconds(20)).stream()
            .map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList());
        assertEquals(1, topic.messageCount(), "the topic holds the kept message only");
    }
}

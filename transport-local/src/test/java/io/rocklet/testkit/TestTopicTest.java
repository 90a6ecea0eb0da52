package io.rocklet.testkit;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.MessageListener;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The helpers of a fresh topic on the broker shared by the whole run: isolation between tests, counts, drain,
 * waits for groups and listeners, and what their timeouts report.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestTopicTest
{
    @RegisterExtension
    static final RockletExtension ROCKLET = RockletExtension.shared();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofMillis(300);

    private static String firstTopic;

    @Test
    @Order(1)
    void shouldKeepMessagesOnTheTestsOwnTopicWhenTestsShareOneBroker(final TestTopic topic)
    {
        firstTopic = topic.name();
        for (int i = 0; i < 5; i++)
        {
            topic.send("first-" + i);
        }
        assertEquals(5, topic.messageCount());
    }

    @Test
    @Order(2)
    void shouldSeeNoMessageOfAnotherTestWhenTheBrokerIsShared(final TestTopic topic, final EmbeddedRocklet rocklet)
    {
        assertNotEquals(firstTopic, topic.name());
        assertEquals(0, topic.messageCount());
        assertEquals(List.of(), topic.drain());
        final long others = new BrokerProbe(rocklet.broker()).messageCounts(firstTopic).values().stream()
            .mapToLong(Long::longValue).sum();
        assertEquals(5, others, "the first test's messages stay on its own topic");
    }

    @Test
    void shouldCountMessagesPerQueueWhenSentRoundRobin(final TestTopic topic)
    {
        for (int i = 0; i < 8; i++)
        {
            topic.send("m" + i);
        }

        assertEquals(Map.of(0, 2L, 1, 2L, 2, 2L, 3, 2L), topic.messageCountPerQueue());
        assertEquals(8, topic.messageCount());
        assertEquals(4, topic.queues());
    }

    @Test
    void shouldReturnTheRestWhenDrainedAfterAReceive(final TestTopic topic)
    {
        topic.send("a");
        topic.send("b");
        topic.send("c");

        final List<ReceivedMessage> first = topic.receive(1, WAIT);
        final List<ReceivedMessage> rest = topic.drain();

        assertEquals(1, first.size());
        assertEquals(2, rest.size());
        assertEquals(List.of("a", "b", "c"), bodies(first, rest).stream().sorted().toList());
        assertEquals(List.of(), topic.drain(), "nothing left");
        topic.send("later");
        assertEquals(List.of("later"), bodies(topic.receive(1, WAIT), List.of()));
        assertEquals(List.of(), topic.receive(0, WAIT));
    }

    @Test
    void shouldListWhatArrivedWhenFewerMessagesThanExpectedArrive(final TestTopic topic)
    {
        topic.send("paid", "a", "order-1");
        topic.send("b");
        topic.send("c");

        final AssertionError error = assertThrows(AssertionError.class, () -> topic.receive(5, SHORT));

        final String message = error.getMessage();
        assertTrue(message.startsWith("expected 5 messages on topic " + topic.name() + " within 300 ms, received 3: ["),
            message);
        assertTrue(message.contains("tag=paid keys=[order-1] body=\"a\""), message);
        assertTrue(message.contains("body=\"b\"") && message.contains("body=\"c\""), message);
        assertTrue(!message.contains("not received"), "everything sent was received: " + message);
    }

    @Test
    void shouldListSentButNotReceivedMessagesWhenAListenerFiltersThemOut(final TestTopic topic)
    {
        final RecordingListener paid = topic.recordingListener();
        topic.newPushConsumer(topic.pushConsumerConfig().subscribe(topic.name(), "paid").listener(paid).build());
        topic.send("paid", "p1", "order-1");
        topic.send("created", "c1", "order-2");
        paid.awaitCount(1, WAIT);

        final AssertionError error = assertThrows(AssertionError.class, () -> paid.awaitCount(2, SHORT));

        final String message = error.getMessage();
        assertTrue(message.matches("expected 2 messages at a listener of topic " + topic.name() +
            " within 300 ms, received 1: \\[\\S+ tag=paid keys=\\[order-1] body=\"p1\"]; sent through the test kit " +
            "and not received: \\[\\S+ tag=created keys=\\[order-2] body=\"c1\"]"), message);
    }

    @Test
    void shouldWaitUntilTheGroupCommittedWhenAPushConsumerConsumes(final TestTopic topic)
    {
        final RecordingListener listener = topic.recordingListener();
        topic.newPushConsumer(listener);
        for (int i = 0; i < 5; i++)
        {
            topic.send("m" + i);
        }

        listener.awaitCount(5, WAIT);
        topic.awaitConsumed(5, WAIT);

        assertEquals(5, listener.count());
    }

    @Test
    void shouldReportCommittedAndStoredCountsWhenTheGroupDoesNotConsume(final TestTopic topic)
    {
        topic.send("nobody reads this");

        final AssertionError error = assertThrows(AssertionError.class, () -> topic.awaitConsumed(1, SHORT));

        assertTrue(error.getMessage().startsWith("expected group " + topic.group() + " to consume 1 message of topic " +
            topic.name() + " within 300 ms, consumed 0; the topic holds 1 (per queue {"), error.getMessage());
    }

    @Test
    void shouldNameTheArgumentWhenItIsIllegal(final TestTopic topic)
    {
        assertEquals("illegal receive argument: count=-1, allowed: >= 0",
            assertThrows(InvalidArgumentException.class, () -> topic.receive(-1, WAIT)).getMessage());
        assertEquals("illegal receive argument: timeout=null, allowed: > 0",
            assertThrows(InvalidArgumentException.class, () -> topic.receive(1, null)).getMessage());
        assertEquals("illegal send argument: body=null",
            assertThrows(InvalidArgumentException.class, () -> topic.send((String)null)).getMessage());
        assertEquals("illegal send argument: message=null", assertThrows(InvalidArgumentException.class,
            () -> topic.send((UnaryOperator<Message.Builder>)null)).getMessage());
        assertEquals("illegal awaitConsumed argument: consumerGroup=null",
            assertThrows(InvalidArgumentException.class, () -> topic.awaitConsumed(null, 1, WAIT)).getMessage());
        assertEquals("illegal awaitConsumed argument: count=-1, allowed: >= 0",
            assertThrows(InvalidArgumentException.class, () -> topic.awaitConsumed(-1, WAIT)).getMessage());
        assertEquals("illegal newPushConsumer argument: listener=null",
            assertThrows(InvalidArgumentException.class, () -> topic.newPushConsumer((MessageListener)null))
                .getMessage());
        assertEquals("missing body: topic=" + topic.name() + ", body=null",
            assertThrows(InvalidArgumentException.class, () -> topic.send(m -> m.tag("no-body"))).getMessage());
    }

    private static List<String> bodies(final List<ReceivedMessage> first, final List<ReceivedMessage> second)
    {
        return Stream.concat(first.stream(), second.stream())
            .map(message -> new String(message.bodyBytes(), StandardCharsets.UTF_8)).toList();
    }
}

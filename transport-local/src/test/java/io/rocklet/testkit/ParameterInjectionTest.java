package io.rocklet.testkit;

import io.rocklet.api.ClosedException;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The field form on the run-wide broker: what test and {@code @BeforeEach} methods may ask for, one instance per
 * test, ready to use, closed when the test ends.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParameterInjectionTest
{
    @RegisterExtension
    static final RockletExtension ROCKLET = RockletExtension.shared();

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestTopic previousTopic;
    private static PushConsumer previousConsumer;
    private static EmbeddedRocklet previousRocklet;

    private TestTopic topicOfBeforeEach;

    @BeforeEach
    void rememberTheTopic(final TestTopic topic)
    {
        topicOfBeforeEach = topic;
    }

    @Test
    @Order(1)
    void shouldGiveOneTopicPerTestWhenAskedInBeforeEachAndTheTest(final TestTopic topic, final EmbeddedRocklet rocklet,
        final PushConsumer consumer)
    {
        assertSame(topicOfBeforeEach, topic);
        assertSame(ROCKLET.rocklet(), rocklet);
        assertTrue(ROCKLET.dataDirectory().toFile().isDirectory());
        previousTopic = topic;
        previousConsumer = consumer;
        previousRocklet = rocklet;
    }

    @Test
    @Order(2)
    void shouldCloseWhatTheTestWasGivenWhenItEnds(final TestTopic topic, final EmbeddedRocklet rocklet)
    {
        assertNotSame(previousTopic, topic);
        assertSame(previousRocklet, rocklet, "one broker for the run");
        assertThrows(ClosedException.class, () -> previousTopic.send("late"));
        assertEquals(List.of(), rocklet.broker().groupMembers(previousConsumer.group()).join(),
            "the injected push consumer left its group");
    }

    @Test
    void shouldDeliverToTheInjectedPushConsumerWhenTheInjectedProducerSends(final Producer producer,
        final TestTopic topic, final PushConsumer consumer, final RecordingListener listener)
    {
        assertEquals(topic.group(), consumer.group());
        for (int i = 0; i < 3; i++)
        {
            producer.send(Message.builder(topic.name()).key("k" + i).body("m" + i).build());
        }

        listener.awaitCount(3, WAIT);
        topic.awaitConsumed(3, WAIT);

        assertEquals(List.of("m0", "m1", "m2"), listener.bodies().stream().sorted().toList());
    }

    @Test
    void shouldPollTheTestsTopicWhenAPullConsumerIsInjected(final PullConsumer consumer, final TestTopic topic)
    {
        assertEquals(topic.group(), consumer.group());
        topic.send("p1");
        topic.send("p2");

        final List<ReceivedMessage> polled = new ArrayList<>();
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (polled.size() < 2 && System.nanoTime() < deadline)
        {
            polled.addAll(consumer.poll(Duration.ofMillis(200)));
        }

        assertEquals(List.of("p1", "p2"), polled.stream()
            .map(message -> new String(message.bodyBytes(), StandardCharsets.UTF_8)).sorted().toList());
    }
}

package io.rocklet.testkit;

import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SendReceipt;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The annotation form with one broker for the class: tests of the class share it, each with a fresh topic that the
 * others' messages never reach; {@code @Nested} classes use the enclosing class's broker.
 */
@RockletTest
@Timeout(30)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerClassBrokerTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static EmbeddedRocklet firstBroker;
    private static String firstTopic;

    @Test
    @Order(1)
    void shouldReceiveTagKeysAndPropertiesWhenSentThroughTheTopic(final TestTopic orders, final EmbeddedRocklet rocklet)
    {
        firstBroker = rocklet;
        firstTopic = orders.name();
        final SendReceipt receipt = orders.send(m -> m.tag("paid").keys("order-42", "customer-7")
            .property("currency", "EUR").body("{\"order\":42}"));
        orders.send("created", "{\"order\":43}", "order-43");
        orders.send("{\"order\":44}");

        final List<ReceivedMessage> received = orders.receive(3, WAIT);

        final ReceivedMessage paid = received.stream().filter(m -> m.messageId().equals(receipt.messageId()))
            .findFirst().orElseThrow();
        assertEquals("paid", paid.tag());
        assertEquals(List.of("order-42", "customer-7"), paid.keys());
        assertEquals(Map.of("currency", "EUR"), paid.properties());
        assertEquals("{\"order\":42}", new String(paid.bodyBytes(), StandardCharsets.UTF_8));
        assertEquals(3, orders.messageCount());
    }

    @Test
    @Order(2)
    void shouldGiveAFreshTopicOnTheSameBrokerWhenAnotherTestOfTheClassRuns(final TestTopic orders,
        final EmbeddedRocklet rocklet)
    {
        assertSame(firstBroker, rocklet, "one broker per class");
        assertNotNull(firstTopic);
        assertNotEquals(firstTopic, orders.name(), "a fresh topic per test");
        assertTrue(orders.name().startsWith("PerClassBrokerTest-shouldGiveAFreshTopic"), orders.name());
        assertEquals(0, orders.messageCount(), "nothing of the first test's messages");
        assertEquals(List.of(), orders.drain());
    }

    @Nested
    class WhenNested
    {
        @Test
        void shouldUseTheEnclosingClassBrokerWhenNested(final EmbeddedRocklet rocklet, final TestTopic topic)
        {
            assertSame(firstBroker, rocklet);
            topic.send("nested");
            assertEquals("nested", new String(topic.receive(1, WAIT).get(0).bodyBytes(), StandardCharsets.UTF_8));
        }
    }
}

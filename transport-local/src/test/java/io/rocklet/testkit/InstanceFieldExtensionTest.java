package io.rocklet.testkit;

import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * An extension on an instance field (a new test instance, and a new extension, per test) still gives one broker to
 * the whole class.
 */
@Timeout(30)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstanceFieldExtensionTest
{
    private static EmbeddedRocklet first;

    @RegisterExtension
    final RockletExtension rocklet = RockletExtension.builder().topicQueues(2).build();

    @Test
    @Order(1)
    void shouldStartTheBrokerWhenTheFirstTestRuns(final TestTopic topic)
    {
        first = rocklet.rocklet();
        assertEquals(2, topic.queues());
        topic.send("hello");
        assertEquals(1, topic.receive(1, Duration.ofSeconds(10)).size());
    }

    @Test
    @Order(2)
    void shouldReuseTheClassBrokerWhenTheNextTestRuns(final EmbeddedRocklet injected)
    {
        assertSame(first, rocklet.rocklet());
        assertSame(first, injected);
    }
}

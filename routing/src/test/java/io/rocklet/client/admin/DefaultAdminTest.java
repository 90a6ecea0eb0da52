package io.rocklet.client.admin;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import io.rocklet.client.internal.DefaultClientContext;
import io.rocklet.testing.ScriptedBroker;
import io.rocklet.testing.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DefaultAdminTest
{
    private final TestCluster cluster = new TestCluster();
    private final ScriptedBroker a = cluster.add(ScriptedBroker.master("broker-a"));
    private final ScriptedBroker b = cluster.add(ScriptedBroker.master("broker-b"));
    private final ScriptedBroker c = cluster.add(new ScriptedBroker("c2", "broker-c", 0, "test://broker-c"));
    private final DefaultClientContext context = new DefaultClientContext(cluster.clientConfig().build(),
        cluster.transport);
    private final DefaultAdmin admin = new DefaultAdmin(context);

    @AfterEach
    void tearDown()
    {
        context.close();
        cluster.close();
    }

    @Test
    void shouldCreateTopicOnEveryBrokerOfEveryCluster()
    {
        admin.createTopic(TopicConfig.of("orders", 8));

        for (final ScriptedBroker broker : List.of(a, b, c))
        {
            assertEquals(TopicConfig.of("orders", 8), broker.topics.get("orders"), broker.name());
        }
    }

    @Test
    void shouldCreateTopicOnNamedBrokersOnly()
    {
        admin.createTopic(TopicConfig.of("orders", 2), List.of("broker-b"));

        assertTrue(b.topics.containsKey("orders"));
        assertFalse(a.topics.containsKey("orders"));
        assertFalse(c.topics.containsKey("orders"));
    }

    @Test
    void shouldRefuseCreateWhenBrokerIsUnknown()
    {
        final RockletException error = assertThrows(RockletException.class,
            () -> admin.createTopic(TopicConfig.of("orders", 2), List.of("broker-b", "broker-x")));

        assertEquals(ErrorCode.NO_ROUTE, error.errorCode());
        assertTrue(error.getMessage().contains("brokerName=broker-x"), error.getMessage());
        assertFalse(b.topics.containsKey("orders"), "nothing is created when a name is wrong");
    }

    @Test
    void shouldRefuseSystemTopicWhenCreating()
    {
        assertEquals(ErrorCode.ILLEGAL_TOPIC, assertThrows(RockletException.class,
            () -> admin.createTopic(TopicConfig.of("%RETRY%g", 1))).errorCode());
        assertThrows(InvalidArgumentException.class, () -> admin.createTopic(null));
    }

    @Test
    void shouldNameFailedBrokerWhenCreateFailsSomewhere()
    {
        b.onAdmin(topic -> CompletableFuture.failedFuture(new RockletException(ErrorCode.DISK_FULL, "disk full")));

        final RockletException error = assertThrows(RockletException.class,
            () -> admin.createTopic(TopicConfig.of("orders", 2)));

        assertEquals(ErrorCode.DISK_FULL, error.errorCode());
        assertTrue(error.getMessage().contains("broker-b=disk full"), error.getMessage());
        assertTrue(a.topics.containsKey("orders"));
    }

    @Test
    void shouldDeleteTopicFromBrokersThatHaveIt()
    {
        a.withTopic("orders", 4);
        c.withTopic("orders", 4);
        final AtomicCalls calls = new AtomicCalls();
        b.onAdmin(topic ->
        {
            calls.count++;
            return null;
        });

        admin.deleteTopic("orders");

        assertFalse(a.topics.containsKey("orders"));
        assertFalse(c.topics.containsKey("orders"));
        assertEquals(0, calls.count, "a broker without the topic is not asked to delete it");
    }

    @Test
    void shouldAnswerTopicNotFoundWhenDeletingUnknownTopic()
    {
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, assertThrows(RockletException.class,
            () -> admin.deleteTopic("orders")).errorCode());
    }

    @Test
    void shouldListQueuesOfEveryBrokerWhenAsked()
    {
        a.topics.put("orders", new TopicConfig("orders", 3, 2, TopicConfig.PERM_READ_WRITE, false));
        c.withTopic("orders", 1);

        assertEquals(List.of(new MessageQueue("orders", "broker-a", 0), new MessageQueue("orders", "broker-a", 1),
            new MessageQueue("orders", "broker-a", 2), new MessageQueue("orders", "broker-c", 0)),
            admin.queues("orders"));
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, assertThrows(RockletException.class,
            () -> admin.queues("payments")).errorCode());
    }

    @Test
    void shouldResetOffsetsOnEveryBrokerWithTopic()
    {
        a.withTopic("orders", 2);
        c.withTopic("orders", 1);
        a.groups.add("cg");

        final Map<MessageQueue, Long> offsets = admin.resetOffsets("cg", "orders", 1_234L);

        assertEquals(Map.of(new MessageQueue("orders", "broker-a", 0), 100L,
            new MessageQueue("orders", "broker-a", 1), 101L,
            new MessageQueue("orders", "broker-c", 0), 100L), offsets);
        assertEquals(List.of(new ResetOffsetsRequest("cg", "orders", ConsumeFrom.Position.TIMESTAMP, 1_234L)),
            a.resets);
        assertTrue(b.resets.isEmpty());
    }

    @Test
    void shouldResetOffsetsToPositionWhenAsked()
    {
        a.withTopic("orders", 1);
        b.groups.add("cg");

        admin.resetOffsets("cg", "orders", ConsumeFrom.Position.FIRST);

        assertEquals(List.of(new ResetOffsetsRequest("cg", "orders", ConsumeFrom.Position.FIRST, 0)), a.resets);
        assertThrows(InvalidArgumentException.class,
            () -> admin.resetOffsets("cg", "orders", ConsumeFrom.Position.TIMESTAMP));
        assertThrows(InvalidArgumentException.class, () -> admin.resetOffsets("bad group", "orders", 0L));
    }

    @Test
    void shouldRefuseWhenClientIsClosed()
    {
        context.close();

        assertThrows(ClosedException.class, () -> admin.queues("orders"));
    }

    /**
     * A counter written by one thread at a time.
     */
    private static final class AtomicCalls
    {
        private int count;
    }
}

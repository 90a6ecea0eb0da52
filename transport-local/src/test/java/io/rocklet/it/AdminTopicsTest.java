package io.rocklet.it;

import io.rocklet.api.Admin;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.api.admin.RouteEntry;
import io.rocklet.api.admin.TopicInfo;
import io.rocklet.api.admin.TopicRouteInfo;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topic administration through {@link Admin} on real brokers: list, route, per-queue offsets and counts, update
 * on the holders only, delete, system topics, and the errors (unknown topic, illegal arguments).
 */
@Timeout(60)
class AdminTopicsTest
{
    private static final String TOPIC = "orders";

    @Test
    void shouldListRouteAndCountMessagesPerQueueWhenTopicIsOnTwoBrokers()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("a", UnaryOperator.identity());
            cluster.startBroker("b", UnaryOperator.identity());
            final Admin admin = cluster.newClient().admin();
            admin.createTopic(TopicConfig.of(TOPIC, 3));

            final TopicInfo info = find(admin.topics(), TOPIC);
            assertEquals(Map.of("a", TopicConfig.of(TOPIC, 3), "b", TopicConfig.of(TOPIC, 3)), info.brokers());
            assertFalse(info.system());

            final TopicRouteInfo route = admin.route(TOPIC);
            assertEquals(List.of("a", "b"), route.brokers().stream().map(RouteEntry::brokerName).toList());
            for (final RouteEntry entry : route.brokers())
            {
                assertEquals(3, entry.readQueues());
                assertEquals(3, entry.writeQueues());
                assertEquals(TopicConfig.PERM_READ_WRITE, entry.permission());
                assertEquals("DefaultCluster", entry.clusterName());
                assertEquals("local://broker-" + entry.brokerName(), entry.masterAddress());
            }

            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("pg").build());
            final Map<MessageQueue, Long> sent = new HashMap<>();
            for (int i = 0; i < 40; i++)
            {
                sent.merge(producer.send(Message.builder(TOPIC).body("m" + i).build()).queue(), 1L, Long::sum);
            }
            final List<QueueStats> stats = admin.queueStats(TOPIC);
            assertEquals(admin.queues(TOPIC), stats.stream().map(QueueStats::queue).toList(), "every queue, in order");
            for (final QueueStats queue : stats)
            {
                assertEquals(0, queue.minOffset(), queue.toString());
                assertEquals(sent.getOrDefault(queue.queue(), 0L), queue.messageCount(), queue.toString());
                assertEquals(queue.maxOffset(), queue.messageCount());
            }
            assertEquals(40, stats.stream().mapToLong(QueueStats::messageCount).sum());
        }
    }

    @Test
    void shouldUpdateTopicOnlyOnTheBrokersHoldingItWhenUpdated()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("a", UnaryOperator.identity());
            cluster.startBroker("b", UnaryOperator.identity());
            final Admin admin = cluster.newClient().admin();
            admin.createTopic(TopicConfig.of(TOPIC, 2), List.of("b"));

            final TopicConfig readOnly = new TopicConfig(TOPIC, 6, 6, TopicConfig.PERM_READ, false);
            admin.updateTopic(readOnly);

            assertEquals(Map.of("b", readOnly), find(admin.topics(), TOPIC).brokers(), "not spread to broker a");
            final RouteEntry entry = admin.route(TOPIC).brokers().get(0);
            assertEquals(List.of("b", 6, TopicConfig.PERM_READ), List.of(entry.brokerName(), entry.readQueues(),
                entry.permission()), "the routers know the change when the call returns");
            assertEquals(6, admin.queues(TOPIC).size());
        }
    }

    @Test
    void shouldAnswerTopicNotFoundWhenTopicIsUnknownOrDeleted()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            final Admin admin = rocklet.admin();
            rocklet.createTopic("gone", 2);
            rocklet.createTopic(TOPIC, 1);
            admin.deleteTopic("gone");

            assertFalse(admin.topics().stream().anyMatch(topic -> topic.name().equals("gone")), "deleted");
            for (final String topic : List.of("gone", "never-created"))
            {
                final String named = "topic=" + topic;
                AdminExpect.failure(ErrorCode.TOPIC_NOT_FOUND, named, () -> admin.route(topic));
                AdminExpect.failure(ErrorCode.TOPIC_NOT_FOUND, named, () -> admin.queueStats(topic));
                AdminExpect.failure(ErrorCode.TOPIC_NOT_FOUND, named, () -> admin.queues(topic));
                AdminExpect.failure(ErrorCode.TOPIC_NOT_FOUND, named, () -> admin.updateTopic(TopicConfig.of(topic, 4)));
                AdminExpect.failure(ErrorCode.TOPIC_NOT_FOUND, named, () -> admin.deleteTopic(topic));
                AdminExpect.failure(ErrorCode.TOPIC_NOT_FOUND, named,
                    () -> admin.messagesByKey(topic, "k", 0, Long.MAX_VALUE, 10));
                AdminExpect.failure(ErrorCode.TOPIC_NOT_FOUND, named,
                    () -> admin.resetOffsets("any-group", topic, ConsumeFrom.Position.FIRST));
            }
            assertEquals(1, admin.queueStats(TOPIC).size(), "other topics are untouched");
        }
    }

    @Test
    void shouldListTheGroupsRetryTopicAsSystemTopicWhenAConsumerRuns()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 1);
            final PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder("g-system")
                .subscribe(TOPIC, "*").listener(messages -> ConsumeResult.SUCCESS).build());

            final List<TopicInfo> topics = rocklet.admin().topics();
            final TopicInfo retry = find(topics, "%RETRY%g-system");
            assertTrue(retry.system());
            assertEquals(Set.of("broker-rocklet"), retry.brokers().keySet());
            assertFalse(find(topics, TOPIC).system());
            assertEquals(topics.stream().map(TopicInfo::name).sorted().toList(),
                topics.stream().map(TopicInfo::name).toList(), "sorted by name");
            consumer.close();
        }
    }

    @Test
    void shouldRefuseIllegalArgumentsNamingTheFieldWhenCalled()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            final Admin admin = rocklet.admin();
            rocklet.createTopic(TOPIC, 1);
            AdminExpect.invalid("topic=null", () -> admin.updateTopic(null));
            AdminExpect.invalid("system topic", () -> admin.updateTopic(TopicConfig.of("%DLQ%g", 1)));
            AdminExpect.invalid("illegal topic", () -> admin.route("no spaces"));
            AdminExpect.invalid("illegal topic", () -> admin.queueStats(null));
            AdminExpect.invalid("group=null", () -> admin.members(null));
            AdminExpect.invalid("group=a b", () -> admin.progress("a b"));
            AdminExpect.invalid("timestampMs=-1", () -> admin.resetOffsets("g", TOPIC, -1L));
            AdminExpect.invalid("position=TIMESTAMP",
                () -> admin.resetOffsets("g", TOPIC, ConsumeFrom.Position.TIMESTAMP));
            AdminExpect.invalid("messageId", () -> admin.messageById(" "));
            AdminExpect.invalid("messageId", () -> admin.messageById("not-hex"));
            AdminExpect.invalid("key=", () -> admin.messagesByKey(TOPIC, "", 0, 1, 1));
            AdminExpect.invalid("endTimestampMs=1", () -> admin.messagesByKey(TOPIC, "k", 2, 1, 1));
            AdminExpect.invalid("beginTimestampMs=-5", () -> admin.messagesByKey(TOPIC, "k", -5, 1, 1));
            AdminExpect.invalid("maxCount=0", () -> admin.messagesByKey(TOPIC, "k", 0, 1, 0));
            AdminExpect.invalid("maxCount=1025", () -> admin.messagesByKey(TOPIC, "k", 0, 1, 1025));
            AdminExpect.invalid("maxCount=0", () -> admin.deadLetters("g", 0));
            AdminExpect.invalid("messageId", () -> admin.resendDeadLetter("g", null));
        }
    }

    private static TopicInfo find(final List<TopicInfo> topics, final String name)
    {
        return topics.stream().filter(topic -> topic.name().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no topic " + name + " in " + topics));
    }
}

package io.rocklet.it;

import io.rocklet.api.Admin;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Message lookups through {@link Admin} on real brokers: by id with every field and property (on whichever of two
 * brokers stores it), by key within a time range (newest kept when more match), and an unknown id.
 */
@Timeout(60)
class AdminMessagesTest
{
    private static final String TOPIC = "orders";

    @Test
    void shouldShowAMessageWithItsPropertiesWhenLookedUpById()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final long before = System.currentTimeMillis();
            final SendReceipt sent = rocklet.newProducer("pg").send(Message.builder(TOPIC).tag("paid")
                .keys("order-7", "customer-3").property("region", "eu").body("{\"order\":7}").build());

            final MessageDetail found = rocklet.admin().messageById(sent.messageId()).orElseThrow();
            assertEquals(sent.messageId(), found.messageId());
            assertEquals(sent.queue(), found.queue());
            assertEquals("broker-rocklet", found.brokerName());
            assertEquals(sent.queueOffset(), found.queueOffset());
            assertEquals("paid", found.tag());
            assertEquals(List.of("order-7", "customer-3"), found.keys());
            assertEquals(Map.of("region", "eu"), found.userProperties());
            assertEquals("eu", found.properties().get("region"));
            assertEquals("{\"order\":7}", found.bodyText());
            assertEquals(0, found.reconsumeTimes());
            assertEquals(TOPIC, found.originTopic());
            assertTrue(found.storeTimestampMs() >= before && found.bornTimestampMs() >= before, found.toString());
            assertTrue(!found.producerId().isEmpty(), "the producer's client id");
        }
    }

    @Test
    void shouldFindAMessageOnWhicheverBrokerStoresItWhenThereAreTwo()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("a", UnaryOperator.identity());
            cluster.startBroker("b", UnaryOperator.identity());
            final Admin admin = cluster.newClient().admin();
            admin.createTopic(TopicConfig.of(TOPIC, 1));
            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("pg").build());
            final List<SendReceipt> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                sent.add(producer.send(Message.builder(TOPIC).key("shared-key").body("m" + i).build()));
            }
            assertEquals(2, sent.stream().map(receipt -> receipt.queue().brokerName()).distinct().count(),
                "round robin over both brokers: " + sent);

            for (int i = 0; i < sent.size(); i++)
            {
                final MessageDetail found = admin.messageById(sent.get(i).messageId()).orElseThrow();
                assertEquals(sent.get(i).queue(), found.queue());
                assertEquals("m" + i, found.bodyText());
            }
            final List<MessageDetail> byKey = admin.messagesByKey(TOPIC, "shared-key", 0, Long.MAX_VALUE, 10);
            assertEquals(sent.stream().map(SendReceipt::messageId).sorted().toList(),
                byKey.stream().map(MessageDetail::messageId).sorted().toList(), "found on both brokers");
        }
    }

    @Test
    void shouldFindMessagesByKeyWithinTheTimeRangeWhenSentAtDifferentTimes()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final Producer producer = rocklet.newProducer("pg");
            final SendReceipt early = producer.send(Message.builder(TOPIC).key("order-1").body("created").build());
            producer.send(Message.builder(TOPIC).key("order-2").body("other order").build());
            final long middle = AdminExpect.tick();
            final SendReceipt late = producer.send(Message.builder(TOPIC).key("order-1").body("paid").build());
            final Admin admin = rocklet.admin();

            assertEquals(List.of(early.messageId(), late.messageId()), ids(admin.messagesByKey(TOPIC, "order-1", 0,
                Long.MAX_VALUE, 10)), "both, oldest first");
            assertEquals(List.of(late.messageId()), ids(admin.messagesByKey(TOPIC, "order-1", middle,
                Long.MAX_VALUE, 10)), "only the one stored in the range");
            assertEquals(List.of(early.messageId()), ids(admin.messagesByKey(TOPIC, "order-1", 0, middle - 1, 10)));
            assertEquals(List.of(late.messageId()), ids(admin.messagesByKey(TOPIC, "order-1", 0, Long.MAX_VALUE, 1)),
                "the newest when more match");
            assertEquals(List.of(), admin.messagesByKey(TOPIC, "order-404", 0, Long.MAX_VALUE, 10));
            assertEquals("paid", admin.messagesByKey(TOPIC, "order-1", middle, Long.MAX_VALUE, 1).get(0).bodyText());
        }
    }

    @Test
    void shouldListMessagesByKeyInLogOrderWhenTheyShareAStoreMillisecond()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("a", config -> config.clock(() -> 1_700_000_000_000L));
            final Admin admin = cluster.newClient().admin();
            admin.createTopic(TopicConfig.of(TOPIC, 2));
            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("pg").build());
            final List<SendReceipt> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                sent.add(producer.send(Message.builder(TOPIC).key("same-ms").body("m" + i).build()));
            }
            assertEquals(2, sent.stream().map(receipt -> receipt.queue().queueId()).distinct().count(),
                "round robin over both queues: " + sent);

            final List<MessageDetail> byKey = admin.messagesByKey(TOPIC, "same-ms", 0, Long.MAX_VALUE, 10);
            assertEquals(List.of("m0", "m1", "m2"), byKey.stream().map(MessageDetail::bodyText).toList(),
                "one store millisecond: oldest first by log offset, not by queue");
            assertEquals(1, byKey.stream().map(MessageDetail::storeTimestampMs).distinct().count());
        }
    }

    @Test
    void shouldAnswerEmptyWhenNoBrokerStoresTheId()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 1);
            final SendReceipt sent = rocklet.newProducer("pg").send(Message.builder(TOPIC).body("x").build());
            final String sameStoreLaterOffset = sent.messageId().substring(0, 8) + "0000000FFFFFFFFF";
            final String otherStore = (sent.messageId().startsWith("0") ? "1" : "0") + sent.messageId().substring(1);

            assertEquals(Optional.empty(), rocklet.admin().messageById(sameStoreLaterOffset));
            assertEquals(Optional.empty(), rocklet.admin().messageById(otherStore));
        }
    }

    private static List<String> ids(final List<MessageDetail> messages)
    {
        return messages.stream().map(MessageDetail::messageId).toList();
    }
}

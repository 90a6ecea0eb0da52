package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Limits;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import io.rocklet.broker.Broker;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The producer end to end (F11): sync, async, one-way and batch sends arrive with every field intact; a
 * sharding key keeps one queue; with two brokers, sends move to the other when one stops, and the consumers of
 * a broker started again on its directory resume from the offsets the group committed there.
 */
@Timeout(90)
class ProducerTest
{
    private static final String TOPIC = "sent";

    @TempDir
    Path data;

    private final Map<String, ReceivedMessage> received = new ConcurrentHashMap<>();
    private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();

    @Test
    void shouldDeliverSyncAsyncOnewayAndBatchSendsWithTheirFields() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final PushConsumer consumer = consumer(rocklet.newClient(), "g-rt");
            final Producer producer = rocklet.newProducer("pg");
            final long before = System.currentTimeMillis();

            final SendReceipt sync = producer.send(Message.builder(TOPIC).tag("T1").keys("k1", "k2")
                .property("p", "v").body("sync").build());
            final SendReceipt async = producer.sendAsync(Message.builder(TOPIC).tag("T2").body("async").build())
                .get(10, TimeUnit.SECONDS);
            producer.sendOneway(Message.builder(TOPIC).body("oneway").build());
            final List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                batch.add(Message.builder(TOPIC).key("b" + i).body("batch" + i).build());
            }
            final List<SendReceipt> batchReceipts = producer.send(batch);

            assertEquals(5, batchReceipts.size());
            for (int i = 0; i < 5; i++)
            {
                assertEquals(batchReceipts.get(0).queue(), batchReceipts.get(i).queue(), "one queue per batch");
                assertEquals(batchReceipts.get(0).queueOffset() + i, batchReceipts.get(i).queueOffset(), "in order");
            }
            Await.until(() -> received.size() == 8, () -> "received " + received.keySet());
            consumer.close();

            final ReceivedMessage first = received.get("sync");
            assertEquals(sync.messageId(), first.messageId());
            assertEquals(sync.queue(), first.queue());
            assertEquals(sync.queueOffset(), first.queueOffset());
            assertEquals(TOPIC, first.topic());
            assertEquals("T1", first.tag());
            assertEquals(List.of("k1", "k2"), first.keys());
            assertEquals("v", first.properties().get("p"));
            assertEquals(0, first.reconsumeTimes());
            assertTrue(first.bornTimestampMs() >= before && first.storeTimestampMs() >= first.bornTimestampMs(),
                first.bornTimestampMs() + " / " + first.storeTimestampMs());
            assertTrue(!first.producerId().isEmpty(), "producer id");
            assertEquals(async.messageId(), received.get("async").messageId());
            assertEquals("T2", received.get("async").tag());
            assertEquals("", received.get("oneway").tag());
            for (int i = 0; i < 5; i++)
            {
                final ReceivedMessage message = received.get("batch" + i);
                assertEquals(batchReceipts.get(i).messageId(), message.messageId());
                assertEquals(List.of("b" + i), message.keys());
            }
            deliveries.forEach((body, count) -> assertEquals(1, count, "deliveries of " + body));
        }
    }

    @Test
    void shouldDeliverBodiesOfTheMaximumSize()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 1);
            final PushConsumer consumer = consumer(rocklet.newClient(), "g-big");
            final Producer producer = rocklet.newProducer("pg");
            final List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final byte[] body = new byte[Limits.DEFAULT_MAX_BODY_BYTES];
                new Random(i).nextBytes(body);
                body[0] = (byte) ('0' + i);
                bodies.add(body);
                producer.send(Message.builder(TOPIC).body(body).build());
            }
            Await.until(() -> received.size() == 3, () -> "received " + received.size());
            consumer.close();
            for (final byte[] body : bodies)
            {
                final ReceivedMessage message = received.get(new String(body, StandardCharsets.UTF_8));
                assertTrue(message != null && Arrays.equals(body, message.bodyBytes()), "body " + (char) body[0]);
            }
        }
    }

    @Test
    void shouldKeepOneQueuePerShardingKey()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 8);
            final Producer producer = rocklet.newProducer("pg");
            final Map<String, List<SendReceipt>> byKey = new ConcurrentHashMap<>();
            final Set<MessageQueue> used = new HashSet<>();
            for (int i = 0; i < 30; i++)
            {
                for (final String key : List.of("alpha", "beta", "gamma", "delta"))
                {
                    final SendReceipt receipt = i % 2 == 0 ?
                        producer.send(Message.builder(TOPIC).body(key + i).build(), key) :
                        producer.sendAsync(Message.builder(TOPIC).body(key + i).build(), key).join();
                    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(receipt);
                    used.add(receipt.queue());
                }
            }
            byKey.forEach((key, receipts) ->
            {
                for (int i = 1; i < receipts.size(); i++)
                {
                    assertEquals(receipts.get(0).queue(), receipts.get(i).queue(), "queue of " + key);
                    assertTrue(receipts.get(i).queueOffset() > receipts.get(i - 1).queueOffset(), "order of " + key);
                }
            });
            assertTrue(used.size() > 1, "keys spread over queues: " + used);
        }
    }

    @Test
    void shouldMoveSendsToTheOtherBrokerAndResumeFromCommittedOffsetsWhenABrokerRestarts()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("b1", data.resolve("b1"));
            cluster.startBroker("b2", data.resolve("b2"));
            final RockletClient producerClient = cluster.newClient(client -> client
                .routeRefreshInterval(Duration.ofMillis(500)));
            producerClient.admin().createTopic(TopicConfig.of(TOPIC, 2));
            final Producer producer = producerClient.newProducer(ProducerConfig.builder("pg")
                .queueSelector((queues, key) -> queues.stream().filter(q -> q.brokerName().equals(key)).findFirst()
                    .orElseThrow())
                .build());
            final PushConsumer consumer = cluster.newClient(client -> client
                .routeRefreshInterval(Duration.ofMillis(500))).newPushConsumer(PushConsumerConfig.builder("g-multi")
                .subscribe(TOPIC, "*")
                .consumeFrom(ConsumeFrom.FIRST) // a lost offset would show as messages delivered twice
                .rebalanceInterval(Duration.ofMillis(500))
                .persistOffsetInterval(Duration.ofMillis(100))
                .listener(this::record).build());

            final Set<String> brokersUsed = new HashSet<>();
            final Set<String> sent = new HashSet<>();
            for (int i = 0; i < 40; i++)
            {
                final SendReceipt receipt = producer.send(Message.builder(TOPIC).body("a" + i).build());
                brokersUsed.add(receipt.queue().brokerName());
                sent.add("a" + i);
            }
            assertEquals(Set.of("b1", "b2"), brokersUsed, "round robin over both brokers");
            Await.until(() -> received.keySet().containsAll(sent), () -> "received " + received.size());
            awaitCommittedAtEnd(cluster, "b1");

            cluster.stopBroker("b1");
            for (int i = 0; i < 40; i++)
            {
                final SendReceipt receipt = producer.send(Message.builder(TOPIC).body("b" + i).build());
                assertEquals("b2", receipt.queue().brokerName(), "sends move to the broker that is up");
                sent.add("b" + i);
            }
            Await.until(() -> received.keySet().containsAll(sent), () -> "received " + received.size());

            cluster.startBroker("b1", data.resolve("b1"));
            final List<String> toRestarted = new ArrayList<>();
            Await.until(() -> trySend(producer, "c" + toRestarted.size(), "b1", toRestarted) &&
                toRestarted.size() == 20, () -> "sent to the restarted broker: " + toRestarted.size());
            sent.addAll(toRestarted);
            Await.until(() -> received.keySet().containsAll(sent), () -> "received " + received.size() + " of " +
                sent.size() + ", missing " + missing(sent));
            consumer.close();
            assertEquals(sent, received.keySet());
            deliveries.forEach((body, count) -> assertEquals(1, count, "deliveries of " + body));
        }
    }

    private ConsumeResult record(final List<ReceivedMessage> messages)
    {
        for (final ReceivedMessage message : messages)
        {
            final String body = new String(message.bodyBytes(), StandardCharsets.UTF_8);
            received.put(body, message);
            deliveries.merge(body, 1, Integer::sum);
        }
        return ConsumeResult.SUCCESS;
    }

    private PushConsumer consumer(final RockletClient client, final String group)
    {
        return client.newPushConsumer(PushConsumerConfig.builder(group).subscribe(TOPIC, "*")
            .consumeFrom(ConsumeFrom.FIRST).listener(this::record).build());
    }

    /**
     * Sends one message to {@code broker} by sharding key; false (nothing recorded) while it cannot be reached.
     */
    private static boolean trySend(final Producer producer, final String body, final String broker,
        final List<String> sent)
    {
        try
        {
            assertEquals(broker, producer.send(Message.builder(TOPIC).body(body).build(), broker).queue()
                .brokerName());
            sent.add(body);
        }
        catch (final RockletException e)
        {
            return false;
        }
        return true;
    }

    /**
     * Waits until the group's offsets on the broker cover everything the broker holds, so that stopping it is a
     * clean cut (no redelivery is due after the restart).
     */
    private static void awaitCommittedAtEnd(final HandBuiltCluster cluster, final String brokerName)
    {
        for (int queueId = 0; queueId < 2; queueId++)
        {
            final int queue = queueId;
            Await.until(() ->
            {
                final Broker broker = cluster.broker(brokerName);
                final long max = broker.queueOffsets(TOPIC, queue).join().maxOffset();
                return broker.queryOffset("g-multi", TOPIC, queue).join() == max;
            }, () -> "offsets of " + brokerName + ":" + queue + " not committed");
        }
    }

    private Set<String> missing(final Set<String> sent)
    {
        final Set<String> missing = new HashSet<>(sent);
        missing.removeAll(received.keySet());
        return missing;
    }
}

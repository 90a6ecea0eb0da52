package io.rocklet.transport.grpc;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.SendRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real router, broker and clients talking over gRPC with mutual TLS on 127.0.0.1: the same application code as
 * over the local transport, end to end.
 */
@Timeout(60)
class GrpcClusterTest
{
    private static final Logger LOG = LoggerFactory.getLogger(GrpcClusterTest.class);

    @Test
    void shouldDeliverSingleAndBatchSendsToAPushConsumerWhenServedOverGrpc() throws Exception
    {
        try (GrpcCluster cluster = GrpcCluster.mutualTls())
        {
            deliverSingleAndBatchSends(cluster);
        }
    }

    @Test
    void shouldDeliverSingleAndBatchSendsWhenServerHandlersRunOnTheEventLoop() throws Exception
    {
        try (GrpcCluster cluster = new GrpcCluster(TestTls.settings(TestTls.node(true)).inlineServerCalls(true).build(),
            TestTls.settings(TestTls.client()).build(), null, broker -> broker))
        {
            deliverSingleAndBatchSends(cluster);
        }
    }

    private static void deliverSingleAndBatchSends(final GrpcCluster cluster) throws InterruptedException
    {
        final RockletClient client = cluster.newClient();
        client.admin().createTopic(TopicConfig.of("orders", 4));
        final Map<String, String> received = new ConcurrentHashMap<>();
        final CountDownLatch all = new CountDownLatch(30);
        final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("billing")
            .subscribe("orders", "*")
            .listener(messages ->
            {
                for (final ReceivedMessage message : messages)
                {
                    if (received.put(message.messageId(), text(message.bodyBytes())) == null)
                    {
                        all.countDown();
                    }
                }
                return ConsumeResult.SUCCESS;
            }).build());
        Await.until(() -> cluster.served.watches("billing") == 1, () -> "no group watch on the broker");

        final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("shop").build());
        final Set<String> sent = new HashSet<>();
        for (int i = 0; i < 10; i++)
        {
            final SendReceipt receipt = producer.send(Message.builder("orders").tag("paid").key("order-" + i)
                .property("customer", "c" + i).body("single-" + i).build());
            assertEquals("orders", receipt.queue().topic());
            sent.add("single-" + i);
        }
        final List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            batch.add(Message.builder("orders").body("batch-" + i).build());
            sent.add("batch-" + i);
        }
        final List<SendReceipt> receipts = producer.send(batch);
        assertEquals(20, receipts.size());
        assertEquals(1, receipts.stream().map(SendReceipt::queue).distinct().count(), "a batch goes to one queue");

        assertTrue(all.await(30, TimeUnit.SECONDS), "received " + received.size() + " of 30");
        assertEquals(sent, new HashSet<>(received.values()));
        consumer.close();
    }

    @Test
    void shouldPollAssignedQueuesAndCommitWhenPullConsumerRunsOverGrpc()
    {
        try (GrpcCluster cluster = GrpcCluster.mutualTls())
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("ledger", 2));
            final Producer producer = client.newProducer(ProducerConfig.builder("writer").build());
            for (int i = 0; i < 8; i++)
            {
                producer.send(Message.builder("ledger").tag("entry").body("line-" + i).build());
            }
            try (PullConsumer consumer = client.newPullConsumer(PullConsumerConfig.builder("auditor")
                .autoCommit(false).build()))
            {
                final List<MessageQueue> queues = consumer.queues("ledger");
                assertEquals(2, queues.size());
                consumer.assign(queues);
                queues.forEach(consumer::seekToBeginning);
                final List<String> bodies = new ArrayList<>();
                Await.until(() ->
                {
                    consumer.poll(Duration.ofMillis(200)).forEach(m -> bodies.add(text(m.bodyBytes())));
                    return bodies.size() >= 8;
                }, () -> "polled " + bodies);
                assertEquals(8, new HashSet<>(bodies).size(), bodies.toString());
                consumer.commit();
                long committed = 0;
                for (final MessageQueue queue : queues)
                {
                    committed += consumer.committed(queue);
                }
                assertEquals(8, committed, "committed offsets over both queues");
            }
        }
    }

    @Test
    void shouldWakeAHeldPullWhenAMessageArrives() throws Exception
    {
        try (GrpcCluster cluster = GrpcCluster.mutualTls())
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("quiet", 1));
            final CompletableFuture<Long> receivedAtNanos = new CompletableFuture<>();
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("idle")
                .subscribe("quiet", "*")
                .longPollTimeout(Duration.ofSeconds(30))
                .listener(messages ->
                {
                    receivedAtNanos.complete(System.nanoTime());
                    return ConsumeResult.SUCCESS;
                }).build());
            Await.until(() -> cluster.served.heldPulls("idle", "quiet") == 1, () -> "no pull held by the broker");

            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("waker").build());
            producer.send(Message.builder("warm-up").body("routes and connections").build());
            final long sentAtNanos = System.nanoTime();
            producer.send(Message.builder("quiet").body("wake up").build());
            final long latencyMs = TimeUnit.NANOSECONDS.toMillis(receivedAtNanos.get(10, TimeUnit.SECONDS) -
                sentAtNanos);
            LOG.info("long-poll delivery latency over grpc: latencyMs={}, pollTimeoutMs=30000", latencyMs);
            assertTrue(latencyMs < 3_000, "delivered after " + latencyMs + " ms: not by the held pull");
            consumer.close();
        }
    }

    @Test
    void shouldRebalanceQueuesThroughTheGroupWatchWhenASecondMemberJoins()
    {
        try (GrpcCluster cluster = GrpcCluster.mutualTls())
        {
            final RockletClient first = cluster.newClient();
            first.admin().createTopic(TopicConfig.of("shared", 4));
            final PushConsumer one = first.newPushConsumer(members("workers"));
            Await.until(() -> shared(one) == 4, () -> "first member has " + one.assignment());
            Await.until(() -> cluster.served.watches("workers") == 1, () -> "first member watches no group");

            final PushConsumer two = cluster.newClient().newPushConsumer(members("workers"));
            // the periodic rebalance is 10 minutes away: only the watch tells the first member
            Await.until(() -> shared(one) == 2 && shared(two) == 2,
                () -> "assignments: one=" + one.assignment() + ", two=" + two.assignment());
            final Set<MessageQueue> union = new HashSet<>(one.assignment());
            union.addAll(two.assignment());
            union.removeIf(queue -> !queue.topic().equals("shared"));
            assertEquals(4, union.size(), "every queue has one member");

            two.close();
            Await.until(() -> shared(one) == 4, () -> "after leave: " + one.assignment());
            one.close();
        }
    }

    @Test
    void shouldCreateAndDeleteTopicsWhenAdminCallsOverGrpc()
    {
        try (GrpcCluster cluster = GrpcCluster.mutualTls(broker -> broker.autoCreateTopicEnable(false)))
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("audit", 3));
            assertEquals(3, client.admin().queues("audit").size());
            final Producer producer = client.newProducer(ProducerConfig.builder("auditor").build());
            producer.send(Message.builder("audit").body("kept").build());

            client.admin().deleteTopic("audit");
            final RockletException gone = assertThrows(RockletException.class,
                () -> producer.send(Message.builder("audit").body("refused").build()));
            assertEquals(ErrorCode.TOPIC_NOT_FOUND, gone.errorCode(), gone.toString());
            final RockletException never = assertThrows(RockletException.class,
                () -> client.admin().deleteTopic("never-created"));
            assertEquals(ErrorCode.TOPIC_NOT_FOUND, never.errorCode(), never.toString());
        }
    }

    @Test
    void shouldFailWithTopicNotFoundWhenAutoCreateIsOff()
    {
        try (GrpcCluster cluster = GrpcCluster.mutualTls(broker -> broker.autoCreateTopicEnable(false)))
        {
            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("pg")
                .sendTimeout(Duration.ofSeconds(2)).build());
            final RockletException missing = assertThrows(RockletException.class,
                () -> producer.send(Message.builder("nowhere").body("x").build()));
            assertEquals(ErrorCode.TOPIC_NOT_FOUND, missing.errorCode(), missing.toString());
            assertFalse(missing.retriable());
            assertTrue(missing.getMessage().contains("nowhere"), missing.getMessage());

            final RockletException direct = Failures.failure(cluster.clientTransport.broker(cluster.brokerAddress())
                .send(new SendRequest("pg", "p1", Message.of("nowhere", new byte[] {1}), 0, 0, 0)));
            assertEquals(ErrorCode.TOPIC_NOT_FOUND, direct.errorCode(), direct.toString());
            assertTrue(direct.getMessage().contains("autoCreateTopicEnable=false"), direct.getMessage());
        }
    }

    private static PushConsumerConfig members(final String group)
    {
        return PushConsumerConfig.builder(group)
            .subscribe("shared", "*")
            .rebalanceInterval(Duration.ofMinutes(10))
            .listener(messages -> ConsumeResult.SUCCESS)
            .build();
    }

    private static long shared(final PushConsumer consumer)
    {
        return consumer.assignment().stream().filter(queue -> queue.topic().equals("shared")).count();
    }

    private static String text(final byte[] body)
    {
        return new String(body, StandardCharsets.UTF_8);
    }
}

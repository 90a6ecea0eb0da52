package io.rocklet.transport.grpc;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeMode;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Push consumers over gRPC with broker-streamed pulls ({@code Subscribe}), end to end with a real router, broker and
 * clients: everything arrives in queue order, a message sent to an idle consumer is pushed down the open stream
 * (no call made for it), a blocked listener stops the broker at the credits granted, and an offset reset restarts
 * the stream where the group was moved to. The broker restart is {@link PeerRestartTest}.
 */
@Timeout(60)
class StreamingPushTest
{
    private static final Logger LOG = LoggerFactory.getLogger(StreamingPushTest.class);

    @Test
    void shouldDeliverEveryMessageInQueueOrderWhenPullsAreStreamed() throws Exception
    {
        try (GrpcCluster cluster = cluster(UnaryOperator.identity()))
        {
            deliverInQueueOrder(cluster);
            assertEquals(0, cluster.served.callsStarted("Pull"), "no unary pull");
            assertTrue(cluster.served.callsStarted("Subscribe") >= 4, "one stream per queue at least");
        }
    }

    @Test
    void shouldDeliverEveryMessageInQueueOrderWhenStreamingIsOff() throws Exception
    {
        try (GrpcCluster cluster = cluster(config -> config.streamingPull(false)))
        {
            deliverInQueueOrder(cluster);
            assertEquals(0, cluster.served.callsStarted("Subscribe"), "no stream");
            assertTrue(cluster.served.callsStarted("Pull") > 4, "unary pulls");
        }
    }

    @Test
    void shouldPushAMessageSentWhileTheConsumerIsIdleWithoutAnotherCall() throws Exception
    {
        try (GrpcCluster cluster = cluster(UnaryOperator.identity()))
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("quiet", 2));
            final CompletableFuture<Long> receivedAtNanos = new CompletableFuture<>();
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("idle")
                .subscribe("quiet", "*")
                .longPollTimeout(Duration.ofSeconds(30))
                .listener(messages ->
                {
                    receivedAtNanos.complete(System.nanoTime());
                    return ConsumeResult.SUCCESS;
                }).build());
            final String retryTopic = SystemTopics.retryTopic("idle");
            Await.until(() -> cluster.served.heldPulls("idle", "quiet") == 2 &&
                cluster.served.heldPulls("idle", retryTopic) >= 1, () -> "pulls held: quiet=" +
                cluster.served.heldPulls("idle", "quiet") + ", retry=" + cluster.served.heldPulls("idle", retryTopic));
            final long streams = cluster.served.callsStarted("Subscribe");
            assertEquals(2 + cluster.served.heldPulls("idle", retryTopic), streams, "one stream per queue");
            assertEquals(streams, cluster.served.callsOpen("Subscribe"));

            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("waker").build());
            producer.send(Message.builder("warm-up").body("routes and connections").build());
            final long sentAtNanos = System.nanoTime();
            producer.send(Message.builder("quiet").body("wake up").build());
            final long latencyMs = TimeUnit.NANOSECONDS.toMillis(receivedAtNanos.get(10, TimeUnit.SECONDS) -
                sentAtNanos);
            LOG.info("streamed push delivery latency over grpc: latencyMs={}", latencyMs);
            assertEquals(streams, cluster.served.callsStarted("Subscribe"), "pushed down an open stream");
            assertEquals(0, cluster.served.callsStarted("Pull"), "no pull call");
            consumer.close();
        }
    }

    @Test
    void shouldStopStreamingWhileTheListenerBlocksAndDeliverEverythingOnceItIsReleased() throws Exception
    {
        try (GrpcCluster cluster = cluster(config -> config.streamPrefetchBatches(2)))
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("slow", 1));
            final CountDownLatch release = new CountDownLatch(1);
            final Set<String> received = ConcurrentHashMap.newKeySet();
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("blocked")
                .subscribe("slow", "*")
                .consumeThreads(1)
                .pullBatchSize(4)
                .pullThresholdForQueue(8)
                .listener(messages ->
                {
                    await(release);
                    messages.forEach(message -> received.add(text(message)));
                    return ConsumeResult.SUCCESS;
                }).build());
            Await.until(() -> cluster.served.heldPulls("blocked", "slow") == 1, () -> "no pull held by the broker");
            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("fast").build());
            final Set<String> sent = new HashSet<>();
            for (int i = 0; i < 100; i++)
            {
                producer.send(Message.builder("slow").body("m-" + i).build());
                sent.add("m-" + i);
            }

            // the consumer pauses at 8 held (+ one batch of 4); the stream's credits are 2 batches of 4
            final int bound = 8 + 4 + 2 * 4;
            Await.until(() -> cluster.served.pulledMessages("blocked", "slow") >= 9 + 2 * 4,
                () -> "pulled " + cluster.served.pulledMessages("blocked", "slow"));
            Await.holds(Duration.ofMillis(500), () -> cluster.served.pulledMessages("blocked", "slow") <= bound,
                () -> "streamed past the credits: pulled " + cluster.served.pulledMessages("blocked", "slow"));
            LOG.info("pulled while the listener blocks: messages={}, bound={}",
                cluster.served.pulledMessages("blocked", "slow"), bound);

            release.countDown();
            Await.until(() -> received.size() == sent.size(), () -> "received " + received.size() + " of 100");
            assertEquals(sent, received);
            assertEquals(0, cluster.served.callsStarted("Pull"), "no unary pull");
            consumer.close();
        }
    }

    @Test
    void shouldRestartTheStreamAtTheResetOffsetWhenOffsetsAreResetWhileConsuming()
    {
        try (GrpcCluster cluster = cluster(UnaryOperator.identity()))
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("replay", 1));
            final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("replayers")
                .subscribe("replay", "*")
                .listener(messages ->
                {
                    messages.forEach(message -> deliveries.merge(text(message), 1, Integer::sum));
                    return ConsumeResult.SUCCESS;
                }).build());
            Await.until(() -> cluster.served.heldPulls("replayers", "replay") == 1, () -> "no pull held");
            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("p").build());
            for (int i = 0; i < 10; i++)
            {
                producer.send(Message.builder("replay").body("r-" + i).build());
            }
            Await.until(() -> deliveries.size() == 10, () -> "delivered " + deliveries);
            final long streams = cluster.served.callsStarted("Subscribe");

            client.admin().resetOffsets("replayers", "replay", ConsumeFrom.Position.FIRST);
            Await.until(() -> deliveries.values().stream().allMatch(count -> count >= 2) && deliveries.size() == 10,
                () -> "after the reset: " + deliveries);
            assertTrue(cluster.served.callsStarted("Subscribe") > streams, "the stream restarted at offset 0");
            assertEquals(0, cluster.served.callsStarted("Pull"), "no unary pull");
            consumer.close();
        }
    }

    /**
     * Sends 100 messages over 4 queues to an orderly push consumer and checks that each queue's messages arrive
     * once each, in offset order.
     */
    private static void deliverInQueueOrder(final GrpcCluster cluster) throws Exception
    {
        final RockletClient client = cluster.newClient();
        client.admin().createTopic(TopicConfig.of("orders", 4));
        final Map<Integer, List<Long>> offsets = new ConcurrentHashMap<>();
        final CountDownLatch all = new CountDownLatch(100);
        final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("sequencer")
            .subscribe("orders", "*")
            .consumeMode(ConsumeMode.ORDERLY)
            .listener(messages ->
            {
                for (final ReceivedMessage message : messages)
                {
                    offsets.computeIfAbsent(message.queue().queueId(), q -> new CopyOnWriteArrayList<>())
                        .add(message.queueOffset());
                    all.countDown();
                }
                return ConsumeResult.SUCCESS;
            }).build());
        Await.until(() -> cluster.served.heldPulls("sequencer", "orders") == 4, () -> "pulls held: " +
            cluster.served.heldPulls("sequencer", "orders"));
        final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("shop").build());
        final Map<Integer, Integer> perQueue = new ConcurrentHashMap<>();
        for (int i = 0; i < 100; i++)
        {
            perQueue.merge(producer.send(Message.builder("orders").body("o-" + i).build()).queue().queueId(), 1,
                Integer::sum);
        }
        assertTrue(all.await(30, TimeUnit.SECONDS), "received " + offsets);
        perQueue.forEach((queue, count) -> assertEquals(LongStream.range(0, count).boxed().toList(),
            new ArrayList<>(offsets.get(queue)), "queue " + queue));
        consumer.close();
    }

    private static GrpcCluster cluster(final UnaryOperator<GrpcTransportConfig.Builder> clientSettings)
    {
        return new GrpcCluster(TestTls.settings(TestTls.node(true)).build(),
            clientSettings.apply(TestTls.settings(TestTls.client())).build(), null, UnaryOperator.identity());
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static String text(final ReceivedMessage message)
    {
        return new String(message.bodyBytes(), StandardCharsets.UTF_8);
    }
}

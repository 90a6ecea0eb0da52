package io.rocklet.it;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.store.StoreConfig;
import io.rocklet.transport.local.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Back-pressure (F23): an overloaded broker answers with a clear, retriable BUSY instead of queueing without
 * bound - too many held pulls, or a dispatcher that falls behind the appenders - and the clients recover from
 * it; a push consumer whose listener is stuck stops pulling at {@code pullThresholdForQueue} messages (or
 * {@code pullThresholdBytesForQueue} bytes) and resumes when the listener catches up.
 */
@Timeout(90)
class BackPressureTest
{
    private static final String TOPIC = "pressure";
    private static final String BROKER = LocalTransport.SCHEME + "broker-b1";

    @Test
    void shouldRefuseAPullWithRetriableBusyWhenTooManyPullsAreHeld() throws Exception
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("b1", broker -> broker.longPollMaxHeld(1));
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of(TOPIC, 1));
            final BrokerService broker = cluster.transport.broker(BROKER);

            final CompletableFuture<PullResult> held = broker.pull(longPull("g-first"));
            final ExecutionException refused = assertThrows(ExecutionException.class,
                () -> broker.pull(longPull("g-second")).get(5, TimeUnit.SECONDS));
            final RockletException busy = (RockletException) refused.getCause();
            assertEquals(ErrorCode.BUSY, busy.errorCode());
            assertTrue(busy.retriable());
            assertTrue(busy.getMessage().contains("busy") && busy.getMessage().contains("g-second"), busy.getMessage());
            assertTrue(!held.isDone(), "the first pull is still held");

            // a push consumer meets BUSY while the slot is taken, backs off, and gets the message once it is free
            final CompletableFuture<String> received = new CompletableFuture<>();
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("g-push")
                .subscribe(TOPIC, "*")
                .listener(messages ->
                {
                    received.complete(new String(messages.get(0).bodyBytes()));
                    return ConsumeResult.SUCCESS;
                }).build());
            Await.until(() -> cluster.transport.busyPulls("g-push", TOPIC, 0) > 0, () -> "no BUSY answer seen");
            client.newProducer(ProducerConfig.builder("pg").build()).send(Message.builder(TOPIC).body("x").build());
            assertEquals(PullStatus.FOUND, held.get(5, TimeUnit.SECONDS).status(), "the arrival answers the held pull");
            assertEquals("x", received.get(10, TimeUnit.SECONDS));
            consumer.close();
        }
    }

    @Test
    void shouldFailASendWithRetriableBusyWhenTheDispatcherFallsBehind() throws Exception
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("b1", broker -> broker.storeConfig(broker.build().storeConfig().toBuilder()
                .dispatchRingBytes(4096).busyTimeout(Duration.ofMillis(100)).build()));
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of(TOPIC, 1));
            final Producer producer = client.newProducer(ProducerConfig.builder("pg").retries(0).build());

            // stall the store's dispatcher: a held pull is answered on it, and this answer's next stage blocks
            final CountDownLatch stall = new CountDownLatch(1);
            final CountDownLatch stalled = new CountDownLatch(1);
            cluster.transport.broker(BROKER).pull(longPull("g-stall")).thenRun(() ->
            {
                stalled.countDown();
                awaitQuietly(stall);
            });
            producer.send(Message.builder(TOPIC).body("first").build());
            assertTrue(stalled.await(10, TimeUnit.SECONDS), "dispatcher stalled");

            RockletException busy = null;
            int sent = 0;
            while (busy == null && sent < 10_000)
            {
                try
                {
                    producer.send(Message.builder(TOPIC).body("m" + sent).build());
                    sent++;
                }
                catch (final RockletException e)
                {
                    busy = e;
                }
            }
            assertTrue(busy != null, "no BUSY after " + sent + " sends with the dispatcher stalled");
            assertEquals(ErrorCode.BUSY, busy.errorCode(), busy.toString());
            assertTrue(busy.retriable());
            assertTrue(sent < 1_000, "bounded: " + sent + " sends were accepted before BUSY");

            stall.countDown();
            Await.until(() -> trySend(producer), () -> "sends accepted again once the dispatcher catches up");
        }
    }

    @Test
    void shouldStopPullingAtTheMessageThresholdAndResumeWhenTheListenerIsReleased() throws Exception
    {
        assertFlowControl(config -> config.pullThresholdForQueue(10), 10, 16);
    }

    @Test
    void shouldStopPullingAtTheByteThresholdAndResumeWhenTheListenerIsReleased() throws Exception
    {
        assertFlowControl(config -> config.pullThresholdBytesForQueue(8 * 1024), 8, 1024);
    }

    /**
     * With the listener blocked, the broker hands out at most {@code limitMessages} plus one pull batch; once
     * released, everything is delivered, once.
     */
    private static void assertFlowControl(final UnaryOperator<PushConsumerConfig.Builder> threshold,
        final int limitMessages, final int bodyBytes) throws Exception
    {
        final int pullBatch = 4;
        final int total = 200;
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("b1", UnaryOperator.identity());
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of(TOPIC, 1));
            final CountDownLatch release = new CountDownLatch(1);
            final Set<String> received = ConcurrentHashMap.newKeySet();
            final PushConsumer consumer = client.newPushConsumer(threshold.apply(PushConsumerConfig.builder("g-slow")
                .subscribe(TOPIC, "*")
                .pullBatchSize(pullBatch)
                .consumeThreads(1)
                .listener(messages ->
                {
                    awaitQuietly(release);
                    messages.forEach(message -> received.add(message.messageId()));
                    return ConsumeResult.SUCCESS;
                })).build());
            final Producer producer = client.newProducer(ProducerConfig.builder("pg").build());
            for (int i = 0; i < total; i++)
            {
                producer.send(Message.builder(TOPIC).body(new byte[bodyBytes]).build());
            }
            final int limit = limitMessages + pullBatch;
            Await.until(() -> cluster.transport.handedOut("g-slow", TOPIC, 0) > limitMessages,
                () -> "handed out " + cluster.transport.handedOut("g-slow", TOPIC, 0));
            Await.holds(Duration.ofMillis(500), () -> cluster.transport.handedOut("g-slow", TOPIC, 0) <= limit,
                () -> "pulled past the threshold: handed out " + cluster.transport.handedOut("g-slow", TOPIC, 0) +
                    " of " + total + ", limit " + limit);

            release.countDown();
            Await.until(() -> received.size() == total, () -> "received " + received.size());
            assertEquals(total, cluster.transport.handedOut("g-slow", TOPIC, 0), "each message pulled once");
            consumer.close();
        }
    }

    private static PullRequest longPull(final String group)
    {
        return new PullRequest(group, TOPIC, 0, 0, 32, "*", 30_000);
    }

    private static boolean trySend(final Producer producer)
    {
        try
        {
            producer.send(Message.builder(TOPIC).body("again").build());
            return true;
        }
        catch (final RockletException e)
        {
            return false;
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(60, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}

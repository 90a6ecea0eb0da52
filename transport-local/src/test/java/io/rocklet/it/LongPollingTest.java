package io.rocklet.it;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long polling (F12): a push consumer idle on an empty queue has one pull held by the broker; a message sent
 * then reaches the listener at once - long before the 30 s poll timeout - and the consumer did not poll in a
 * loop meanwhile.
 */
@Timeout(60)
class LongPollingTest
{
    private static final Logger LOG = LoggerFactory.getLogger(LongPollingTest.class);
    private static final String TOPIC = "quiet";

    @Test
    void shouldDeliverAMessageSentToAnIdleConsumerLongBeforeThePollTimeout() throws Exception
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("b1", UnaryOperator.identity());
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of(TOPIC, 1));
            final CompletableFuture<Long> receivedAtNanos = new CompletableFuture<>();
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("g-idle")
                .subscribe(TOPIC, "*")
                .longPollTimeout(Duration.ofSeconds(30))
                .listener(messages ->
                {
                    receivedAtNanos.complete(System.nanoTime());
                    return ConsumeResult.SUCCESS;
                }).build());
            Await.until(() -> cluster.transport.waitingPulls("g-idle", TOPIC, 0) == 1,
                () -> "no pull held by the broker: pulls=" + cluster.transport.pulls("g-idle", TOPIC, 0));
            final int pullsWhileIdle = cluster.transport.pulls("g-idle", TOPIC, 0);

            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("pg").build());
            producer.send(Message.builder("warm-up").body("routes and connections").build());
            final long sentAtNanos = System.nanoTime();
            producer.send(Message.builder(TOPIC).body("wake up").build());
            final long latencyMs = TimeUnit.NANOSECONDS.toMillis(receivedAtNanos.get(10, TimeUnit.SECONDS) -
                sentAtNanos);
            LOG.info("long-poll delivery latency: latencyMs={}, pollTimeoutMs=30000", latencyMs);
            consumer.close();

            assertTrue(latencyMs < 3_000, "delivered after " + latencyMs + " ms: not by the held pull");
            assertTrue(pullsWhileIdle <= 2, "the idle consumer polled " + pullsWhileIdle + " times");
        }
    }
}

package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offsets (F14, F15, F18): a clustering group's committed offsets live on the broker, so a new consumer of the
 * group continues where the closed one stopped, and a broker restarted on the same directory still knows them
 * (and still holds the messages): nothing is lost and, on these clean paths, nothing is delivered twice.
 */
@Timeout(90)
class OffsetPersistenceTest
{
    private static final String TOPIC = "payments";

    @TempDir
    Path data;

    private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();

    @Test
    void shouldContinueFromCommittedOffsetsWhenTheConsumerAndThenTheBrokerRestart() throws Exception
    {
        final Set<String> sent = new HashSet<>();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.persistent(data))
        {
            rocklet.createTopic(TOPIC, 4);
            final Producer producer = rocklet.newProducer("pg");
            sent.addAll(send(producer, 0, 200));

            // consume part of the backlog: the listener stops at 60 until the consumer is closing
            final CountDownLatch gate = new CountDownLatch(1);
            final PushConsumer first = consumer(rocklet, gate);
            Await.until(() -> deliveries.size() >= 60, () -> "first consumer received " + deliveries.size());
            final CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
            Await.until(() -> first.assignment().isEmpty(), () -> "closing consumer still holds its queues");
            gate.countDown(); // the calls in progress finish; no new call starts on dropped queues
            closing.get(30, TimeUnit.SECONDS);
            final int consumedByFirst = deliveries.size();
            assertTrue(consumedByFirst < sent.size(), "only part consumed: " + consumedByFirst);

            // a new member of the group continues from the committed offsets
            final PushConsumer second = consumer(rocklet, null);
            sent.addAll(send(producer, 200, 50));
            Await.until(() -> deliveries.keySet().containsAll(sent), () -> "received " + deliveries.size());
            second.close();
            sent.addAll(send(producer, 250, 50)); // stored while nobody consumes, then the broker stops
        }
        assertNoDuplicates();

        try (EmbeddedRocklet reopened = EmbeddedRocklet.persistent(data))
        {
            final PushConsumer third = consumer(reopened, null);
            sent.addAll(send(reopened.newProducer("pg"), 300, 50));
            Await.until(() -> deliveries.keySet().containsAll(sent), () -> "received " + deliveries.size());
            third.close();
        }
        assertEquals(sent, deliveries.keySet());
        assertNoDuplicates();
    }

    private void assertNoDuplicates()
    {
        deliveries.forEach((id, count) -> assertEquals(1, count, "deliveries of " + id));
    }

    /**
     * @param gate when not null, listener calls after the 60th delivery wait for it.
     */
    private PushConsumer consumer(final EmbeddedRocklet rocklet, final CountDownLatch gate)
    {
        return rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("cg")
            .subscribe(TOPIC, "*")
            .consumeFrom(ConsumeFrom.FIRST)
            .consumeThreads(2)
            .listener(messages ->
            {
                if (gate != null && deliveries.size() >= 60)
                {
                    awaitQuietly(gate);
                }
                messages.forEach(message -> deliveries.merge(message.messageId(), 1, Integer::sum));
                return ConsumeResult.SUCCESS;
            }).build());
    }

    private static void awaitQuietly(final CountDownLatch gate)
    {
        try
        {
            gate.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<String> send(final Producer producer, final int from, final int count)
    {
        final Set<String> ids = new HashSet<>();
        for (int i = from; i < from + count; i++)
        {
            ids.add(producer.send(Message.builder(TOPIC).body("m" + i).build()).messageId());
        }
        return ids;
    }
}

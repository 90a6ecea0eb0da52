package io.rocklet.it;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageModel;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broadcasting (F14): every instance of a group receives every message once, and keeps its offsets in its
 * own local directory, so an instance restarted on that directory continues where it stopped.
 */
@Timeout(90)
class BroadcastingConsumeTest
{
    private static final String TOPIC = "news";
    private static final int INSTANCES = 3;

    @TempDir
    Path offsets;

    @Test
    void shouldDeliverEveryMessageToEveryInstanceWhenBroadcasting()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final List<Map<String, Integer>> received = new ArrayList<>();
            final List<PushConsumer> consumers = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++)
            {
                final Map<String, Integer> mine = new ConcurrentHashMap<>();
                received.add(mine);
                consumers.add(start(rocklet.newClient(), offsets.resolve("instance-" + i), mine));
            }
            consumers.forEach(consumer -> assertEquals(4, consumer.assignment().stream()
                .filter(queue -> queue.topic().equals(TOPIC)).count(), "every instance takes every queue"));

            final Set<String> sent = send(rocklet.newProducer("pg"), 0, 200);
            for (int i = 0; i < INSTANCES; i++)
            {
                final Map<String, Integer> mine = received.get(i);
                Await.until(() -> mine.keySet().containsAll(sent), () -> "instance received " + mine.size());
            }
            consumers.forEach(PushConsumer::close);
            for (final Map<String, Integer> mine : received)
            {
                assertEquals(sent, mine.keySet());
                mine.forEach((id, count) -> assertEquals(1, count, "deliveries of " + id));
            }
        }
    }

    @Test
    void shouldContinueFromLocallyKeptOffsetsWhenAnInstanceRestarts()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final Producer producer = rocklet.newProducer("pg");
            final Path directory = offsets.resolve("restarting");
            final Map<String, Integer> first = new ConcurrentHashMap<>();
            final PushConsumer before = start(rocklet.newClient(), directory, first);
            final Set<String> sentBefore = send(producer, 0, 100);
            Await.until(() -> first.keySet().containsAll(sentBefore), () -> "received " + first.size());
            before.close();

            final Set<String> sentWhileDown = send(producer, 100, 50);
            final Map<String, Integer> second = new ConcurrentHashMap<>();
            final PushConsumer after = start(rocklet.newClient(), directory, second);
            final Set<String> sentAfter = send(producer, 150, 50);
            final Set<String> expected = new HashSet<>(sentWhileDown);
            expected.addAll(sentAfter);
            Await.until(() -> second.keySet().containsAll(expected), () -> "received " + second.size());
            after.close();
            assertEquals(expected, second.keySet(), "nothing from before the restart, nothing lost while down");
            second.forEach((id, count) -> assertEquals(1, count, "deliveries of " + id));
            assertTrue(directory.toFile().list().length > 0, "offsets kept in the directory");
        }
    }

    @Test
    void shouldKeepEachInstancesOffsetsApartWhenInstancesShareTheOffsetDirectory()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            final RockletClient nodeA = rocklet.newClient("node-a");
            final RockletClient nodeB = rocklet.newClient("node-b");
            rocklet.createTopic(TOPIC, 4);
            final Producer producer = rocklet.newProducer("pg");
            final Path shared = offsets.resolve("shared");
            final Map<String, Integer> receivedA = new ConcurrentHashMap<>();
            final Map<String, Integer> receivedB = new ConcurrentHashMap<>();
            final PushConsumer a = start(nodeA, shared, receivedA);
            final PushConsumer b = start(nodeB, shared, receivedB);
            final Set<String> first = send(producer, 0, 20);
            Await.until(() -> receivedA.keySet().containsAll(first) && receivedB.keySet().containsAll(first),
                () -> "a received " + receivedA.size() + ", b received " + receivedB.size());
            b.close();

            final Set<String> missed = send(producer, 20, 10);
            Await.until(() -> receivedA.keySet().containsAll(missed), () -> "a received " + receivedA.size());
            a.close(); // a's offsets, past the 10, are written last
            final Map<String, Integer> restartedB = new ConcurrentHashMap<>();
            final PushConsumer bAgain = start(rocklet.newClient("node-b"), shared, restartedB);
            Await.until(() -> restartedB.keySet().containsAll(missed), () -> "b got " + restartedB.size() + " of " +
                missed.size() + " it missed");
            bAgain.close();
            assertEquals(missed, restartedB.keySet(), "b continues where it stopped");

            final Map<String, Integer> restartedA = new ConcurrentHashMap<>();
            final PushConsumer aAgain = start(rocklet.newClient("node-a"), shared, restartedA);
            final Set<String> last = send(producer, 30, 5);
            Await.until(() -> restartedA.keySet().containsAll(last), () -> "a received " + restartedA.size());
            aAgain.close();
            assertEquals(last, restartedA.keySet(), "a's offsets were not touched by b's");
        }
    }

    @Test
    void shouldGiveEveryPullConsumerEveryQueueWhenBroadcasting()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final List<PullConsumer> consumers = new ArrayList<>();
            for (int i = 0; i < 2; i++)
            {
                final PullConsumer consumer = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder("pbg")
                    .messageModel(MessageModel.BROADCASTING).offsetStoreDirectory(offsets.resolve("pull-" + i))
                    .build());
                consumer.subscribe(TOPIC, "*");
                assertEquals(2, consumer.assignment().size(), "every queue");
                consumers.add(consumer);
            }
            final Set<String> sent = send(rocklet.newProducer("pg"), 0, 20);
            for (final PullConsumer consumer : consumers)
            {
                final Set<String> polled = new HashSet<>();
                Await.until(() ->
                {
                    consumer.poll(Duration.ofMillis(50)).forEach(message -> assertTrue(polled.add(message.messageId()),
                        "polled twice: " + message));
                    return polled.containsAll(sent);
                }, () -> "polled " + polled.size());
                consumer.close();
            }
        }
    }

    private static PushConsumer start(final RockletClient client, final Path directory,
        final Map<String, Integer> received)
    {
        return client.newPushConsumer(PushConsumerConfig.builder("bg")
            .subscribe(TOPIC, "*")
            .messageModel(MessageModel.BROADCASTING)
            .offsetStoreDirectory(directory)
            .persistOffsetInterval(Duration.ofMillis(200))
            .listener(messages ->
            {
                messages.forEach(message -> received.merge(message.messageId(), 1, Integer::sum));
                return ConsumeResult.SUCCESS;
            }).build());
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

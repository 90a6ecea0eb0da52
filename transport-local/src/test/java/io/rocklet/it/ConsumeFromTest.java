package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.embedded.EmbeddedRocklet;
import io.rocklet.transport.local.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a new group starts (F15): LAST sees only what is sent after it started although everything is stored
 * from offset 0, FIRST sees everything, TIMESTAMP starts at the first message stored at or after the time.
 */
@Timeout(60)
class ConsumeFromTest
{
    private static final String TOPIC = "stock";

    @TempDir
    Path dataDirectory;

    @Test
    void shouldStartEachNewGroupWhereItsConsumeFromSaysWhenMessagesAreAlreadyStored()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final Producer producer = rocklet.newProducer("pg");
            final Set<String> early = send(producer, "early", 40);
            final long earlySentMs = System.currentTimeMillis();
            Await.until(() -> System.currentTimeMillis() > earlySentMs, () -> "the clock moves on");
            final long middle = System.currentTimeMillis(); // after every early store time, before every late one
            final Set<String> late = send(producer, "late", 40);

            final Map<String, Integer> fromLast = new ConcurrentHashMap<>();
            final Map<String, Integer> fromFirst = new ConcurrentHashMap<>();
            final Map<String, Integer> fromMiddle = new ConcurrentHashMap<>();
            final PushConsumer last = consumer(rocklet, "g-last", ConsumeFrom.LAST, fromLast);
            final PushConsumer first = consumer(rocklet, "g-first", ConsumeFrom.FIRST, fromFirst);
            final PushConsumer timestamp = consumer(rocklet, "g-time", ConsumeFrom.timestamp(middle), fromMiddle);
            final Set<String> after = send(producer, "after", 40);

            final Set<String> everything = new HashSet<>(early);
            everything.addAll(late);
            everything.addAll(after);
            final Set<String> sinceMiddle = new HashSet<>(late);
            sinceMiddle.addAll(after);
            Await.until(() -> fromFirst.keySet().containsAll(everything), () -> "FIRST got " + fromFirst.size());
            Await.until(() -> fromMiddle.keySet().containsAll(sinceMiddle), () -> "TIMESTAMP got " + fromMiddle.size());
            Await.until(() -> fromLast.keySet().containsAll(after), () -> "LAST got " + fromLast.size());
            last.close();
            first.close();
            timestamp.close();

            assertEquals(after, fromLast.keySet(), "LAST: only what was sent after the start");
            assertEquals(everything, fromFirst.keySet(), "FIRST: everything stored");
            assertEquals(sinceMiddle, fromMiddle.keySet(), "TIMESTAMP: from the time given");
            for (final Map<String, Integer> received : List.of(fromLast, fromFirst, fromMiddle))
            {
                received.forEach((id, count) -> assertEquals(1, count, "deliveries of " + id));
            }
        }
    }

    @Test
    void shouldDeliverEverythingSentAfterTheStartWhenTheTopicWasCreatedJustBeforeAndRoutersAreSlow()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("b1", UnaryOperator.identity());
            final RockletClient client = cluster.newClient();
            final Producer producer = client.newProducer(ProducerConfig.builder("pg").build());
            cluster.transport.delayRegistrations(Duration.ofMillis(300));

            client.admin().createTopic(TopicConfig.of("fresh", 2)); // returns once the routers know the topic
            final Map<String, Integer> received = new ConcurrentHashMap<>();
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("g-fresh")
                .subscribe("fresh", "*")
                .listener(messages ->
                {
                    messages.forEach(message -> received.merge(message.messageId(), 1, Integer::sum));
                    return ConsumeResult.SUCCESS;
                }).build());
            assertEquals(2, consumer.assignment().stream().filter(q -> q.topic().equals("fresh")).count(),
                "the first rebalance took the new topic's queues");
            final Set<String> sent = new HashSet<>();
            for (int i = 0; i < 10; i++)
            {
                sent.add(producer.send(Message.builder("fresh").body("m" + i).build()).messageId());
            }
            Await.until(() -> received.keySet().containsAll(sent), () -> "received " + received.size());
            consumer.close();
        }
    }

    @Test
    void shouldNotDeliverMessagesSentBeforeALastConsumerStartedWhenTheDispatcherLags() throws Exception
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("b1", UnaryOperator.identity());
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of(TOPIC, 2));
            client.admin().createTopic(TopicConfig.of("stall", 1));
            final Producer producer = client.newProducer(ProducerConfig.builder("pg").build());

            // stall the store's dispatcher: a held pull is answered on it, and this answer's next stage blocks
            final CountDownLatch stalled = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            cluster.transport.broker(LocalTransport.SCHEME + "broker-b1").pull(new PullRequest("g-stall", "stall", 0,
                0, 1, "*", 30_000)).thenRun(() ->
                {
                    stalled.countDown();
                    awaitQuietly(release);
                });
            producer.send(Message.builder("stall").body("stall").build());
            assertTrue(stalled.await(10, TimeUnit.SECONDS), "dispatcher stalled");
            final Set<String> before = send(producer, "before", 10); // acknowledged, not yet dispatched

            final Map<String, Integer> received = new ConcurrentHashMap<>();
            final CompletableFuture<PushConsumer> starting = CompletableFuture.supplyAsync(() ->
                consumer(cluster.newClient(), "g-late", ConsumeFrom.LAST, received));
            // the new group's start asks the broker for its offsets (the broker waits for the dispatcher to answer)
            Await.until(() -> cluster.transport.calls("queryOffset", "g-late") >= 2,
                () -> "the LAST start asked for its offsets");
            release.countDown();
            final PushConsumer consumer = starting.get(30, TimeUnit.SECONDS);
            final Set<String> after = send(producer, "after", 10);
            Await.until(() -> received.keySet().containsAll(after), () -> "received " + received.size());
            consumer.close();
            assertEquals(after, received.keySet(), "sent before the start: " + before.size());
        }
    }

    /**
     * The root README's first snippet, word for word apart from recording what the listener gets: the group
     * subscribes (LAST, the default) to a topic that does not exist yet, and the producer's first send creates it.
     */
    @Test
    void shouldDeliverTheFirstMessageWhenTheGroupSubscribedBeforeTheFirstSendCreatedTheTopic() throws Exception
    {
        final CompletableFuture<String> received = new CompletableFuture<>();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())   // or EmbeddedRocklet.persistent(dataDir)
        {
            PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder("billing")
                .subscribe("orders", "paid || refunded")
                .listener(messages -> { received.complete(messages.get(0).keys().get(0)); return ConsumeResult.SUCCESS; })
                .build());
            Producer producer = rocklet.newProducer("shop");
            producer.send(Message.builder("orders").tag("paid").key("order-42").body("{\"order\":42}").build());

            assertEquals("order-42", received.get(30, TimeUnit.SECONDS), "1 of 1 delivered");
            consumer.close();
        }
    }

    @Test
    void shouldStillStartAtTheEndOfQueuesThatExistedWhenANewLastGroupSubscribes() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.persistent(dataDirectory))
        {
            final Producer producer = rocklet.newProducer("pg");
            final Set<String> before = send(producer, "before", 8); // auto-creates the topic: its queues exist now
            // the group starts once the router serves the new topic: a LAST group that finds no route yet takes its
            // queues at its next rebalance and starts at their end then (RocketMQ's LAST does the same)
            Await.until(() -> routed(rocklet), () -> "the router serves " + TOPIC);
            final long lastSentMs = System.currentTimeMillis();
            // stored in an earlier millisecond than the subscription (one and the same millisecond counts as after)
            Await.until(() -> System.currentTimeMillis() > lastSentMs, () -> "the clock moves on");
            final Map<String, Integer> received = new ConcurrentHashMap<>();
            final PushConsumer consumer = consumer(rocklet, "g-new-last", ConsumeFrom.LAST, received);
            final Set<String> after = send(producer, "after", 8);
            Await.until(() -> received.keySet().containsAll(after), () -> "received " + received.size());
            consumer.close();
            assertEquals(after, received.keySet(), "nothing sent before the group existed: " + before.size());
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static PushConsumer consumer(final RockletClient client, final String group, final ConsumeFrom from,
        final Map<String, Integer> received)
    {
        return client.newPushConsumer(PushConsumerConfig.builder(group)
            .subscribe(TOPIC, "*")
            .consumeFrom(from)
            .listener(messages ->
            {
                messages.forEach(message -> received.merge(message.messageId(), 1, Integer::sum));
                return ConsumeResult.SUCCESS;
            }).build());
    }

    private static PushConsumer consumer(final EmbeddedRocklet rocklet, final String group, final ConsumeFrom from,
        final Map<String, Integer> received)
    {
        return consumer(rocklet.newClient(), group, from, received);
    }

    private static boolean routed(final EmbeddedRocklet rocklet)
    {
        try
        {
            return !rocklet.router().queryRoute(TOPIC).join().queues().isEmpty();
        }
        catch (final RuntimeException e)
        {
            return false; // no broker has the topic yet
        }
    }

    private static Set<String> send(final Producer producer, final String prefix, final int count)
    {
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++)
        {
            ids.add(producer.send(Message.builder(TOPIC).body(prefix + i).build()).messageId());
        }
        return ids;
    }
}

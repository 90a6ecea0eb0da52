package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.embedded.EmbeddedRocklet;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delayed messages end to end under the local transport (F20): the producer sends a delay level (or a delivery
 * time), the message stays invisible to consumers until due on the broker's clock (injected here and advanced by
 * hand, so "not yet" is certain), arrives in send order, and survives a broker restart.
 */
@Timeout(60)
class DelayedMessageTest
{
    static final String TOPIC = "delayed";
    static final Duration POLL = Duration.ofMillis(300);
    static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldDeliverDelayedMessagesOnlyWhenDueAndInSendOrderPerLevel()
    {
        clock.update(System.currentTimeMillis());
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final Producer producer = rocklet.newProducer("pg");
            producer.send(Message.builder(TOPIC).delayLevel(2).body("a").build());
            producer.send(Message.builder(TOPIC).delayLevel(2).body("b").build());
            producer.send(Message.builder(TOPIC).delayLevel(1).body("c").build());
            producer.send(List.of(Message.builder(TOPIC).delayLevel(2).body("d").build(),
                Message.builder(TOPIC).body("now").build()));
            final PullConsumer consumer = consumer(rocklet);

            assertEquals(List.of("now"), pollUntil(consumer, 1), "delayed ones are invisible");
            assertEquals(List.of(), texts(consumer.poll(POLL)), "the clock did not move");
            clock.advance(1_000);
            assertEquals(List.of("c"), pollUntil(consumer, 1));
            clock.advance(3_999);
            assertEquals(List.of(), texts(consumer.poll(POLL)), "1 ms before level 2 is due");
            clock.advance(1);
            assertEquals(List.of("a", "b", "d"), pollUntil(consumer, 3), "send order within a level");
        }
    }

    @Test
    void shouldDeliverADelayedMessageOnceWhenTheBrokerRestartsBeforeItIsDue()
    {
        clock.update(System.currentTimeMillis());
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            rocklet.newProducer("pg").send(Message.builder(TOPIC).delayLevel(2).body("after restart").build());
        }
        clock.advance(5_000);
        try (EmbeddedRocklet rocklet = start())
        {
            assertEquals(List.of("after restart"), pollUntil(consumer(rocklet), 1));
        }
        clock.advance(60_000);
        try (EmbeddedRocklet rocklet = start())
        {
            final PullConsumer consumer = consumer(rocklet);
            assertEquals(List.of("after restart"), pollUntil(consumer, 1));
            assertEquals(List.of(), texts(consumer.poll(POLL)), "delivered once");
        }
    }

    @Test
    void shouldDeliverAtTheDeliveryTimeAndShowPendingCountsInTheAdmin()
    {
        final long t0 = System.currentTimeMillis();
        clock.update(t0);
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final Producer producer = rocklet.newProducer("pg");
            producer.send(Message.builder(TOPIC).deliverAt(t0 + 90_000).body("at 90 s").build());
            producer.send(Message.builder(TOPIC).deliverAfter(Duration.ofSeconds(30)).body("after 30 s").build());
            producer.send(List.of(Message.builder(TOPIC).deliverAfter(Duration.ofSeconds(30)).body("batch").build()));
            final PullConsumer consumer = consumer(rocklet);
            assertEquals(List.of(), texts(consumer.poll(POLL)), "nothing due yet");
            assertEquals(Map.of(TOPIC, 3L), pending(rocklet));

            clock.advance(30_000);
            assertEquals(List.of("after 30 s", "batch"), pollUntil(consumer, 2));
            assertEquals(Map.of(TOPIC, 1L), pending(rocklet));
        }
        try (EmbeddedRocklet rocklet = start())
        {
            final PullConsumer consumer = consumer(rocklet);
            assertEquals(List.of("after 30 s", "batch"), pollUntil(consumer, 2));
            assertEquals(List.of(), texts(consumer.poll(POLL)), "still not due after the restart");
            clock.advance(60_000);
            assertEquals(List.of("at 90 s"), pollUntil(consumer, 1));
            assertEquals(Map.of(), pending(rocklet));
        }
    }

    @Test
    void shouldNeverDeliverARecalledMessageAlsoAfterARestartAndAnswerFalseWhenNothingWaits()
    {
        clock.update(System.currentTimeMillis());
        final SendReceipt timed;
        final SendReceipt level;
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final Producer producer = rocklet.newProducer("pg");
            timed = producer.send(Message.builder(TOPIC).deliverAfter(Duration.ofSeconds(30)).body("timed").build());
            level = producer.send(Message.builder(TOPIC).delayLevel(2).body("level").build());
            producer.send(Message.builder(TOPIC).deliverAfter(Duration.ofSeconds(30)).body("keep timed").build());
            producer.send(Message.builder(TOPIC).delayLevel(2).body("keep level").build());
            final SendReceipt plain = producer.send(Message.builder(TOPIC).body("now").build());
            awaitPending(rocklet, Map.of(TOPIC, 2L), Map.of(TOPIC, 2L));

            assertTrue(producer.recall(TOPIC, timed.messageId()).join());
            assertTrue(rocklet.admin().recall(TOPIC, level.messageId()), "recalled through the admin");
            assertFalse(rocklet.admin().recall(TOPIC, level.messageId()), "recalled before");
            assertFalse(producer.recall(TOPIC, timed.messageId()).join(), "recalled before");
            assertFalse(producer.recall(TOPIC, plain.messageId()).join(), "not delayed");
            assertFalse(producer.recall(TOPIC, UniqueMessageIds.next(clock.time())).join(), "unknown id");
            awaitPending(rocklet, Map.of(TOPIC, 1L), Map.of(TOPIC, 1L));
            final CompletionException malformed = assertThrows(CompletionException.class,
                () -> producer.recall(TOPIC, "42").join());
            assertEquals(ErrorCode.INVALID_ARGUMENT, ((RockletException) malformed.getCause()).errorCode());
        }
        clock.advance(30_000);
        try (EmbeddedRocklet rocklet = start())
        {
            final PullConsumer consumer = consumer(rocklet);
            assertEquals(List.of("now", "keep level", "keep timed"), pollUntil(consumer, 3));
            assertEquals(List.of(), texts(consumer.poll(POLL)), "the recalled ones never come");
            awaitPending(rocklet, Map.of(), Map.of());
            assertFalse(rocklet.newProducer("pg").recall(TOPIC, level.messageId()).join(), "due already");
        }
    }

    @Test
    void shouldRefuseADelayBeyondTheBrokersMaximumNamingTopicAndDelay()
    {
        clock.update(System.currentTimeMillis());
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final RockletException e = assertThrows(RockletException.class, () -> rocklet.newProducer("pg")
                .send(Message.builder(TOPIC).deliverAfter(Duration.ofDays(4)).body("x").build()));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
            assertTrue(e.getMessage().contains("topic=" + TOPIC + ", delayMs=345600000"), e.getMessage());
        }
    }

    static Map<String, Long> pending(final EmbeddedRocklet rocklet)
    {
        return rocklet.admin().clusterStatus().brokers().get(0).timedPending();
    }

    /**
     * Waits until the admin shows these pending counts (the broker's agent counts messages shortly after their send).
     */
    static void awaitPending(final EmbeddedRocklet rocklet, final Map<String, Long> timed,
        final Map<String, Long> level)
    {
        Await.until(() -> timed.equals(pending(rocklet)) &&
            level.equals(rocklet.admin().clusterStatus().brokers().get(0).levelPending()),
            () -> "pending counts: expected timed=" + timed + ", level=" + level + ", state=" +
                rocklet.admin().clusterStatus().brokers().get(0));
    }

    EmbeddedRocklet start()
    {
        return EmbeddedRocklet.builder().dataDirectory(dir)
            .delayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)))
            .broker(broker -> broker.clock(clock))
            .start();
    }

    static PullConsumer consumer(final EmbeddedRocklet rocklet)
    {
        final PullConsumer consumer = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder("pc")
            .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build());
        consumer.assign(consumer.queues(TOPIC));
        return consumer;
    }

    static List<String> pollUntil(final PullConsumer consumer, final int count)
    {
        final List<String> received = new ArrayList<>();
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (received.size() < count && System.nanoTime() < deadline)
        {
            received.addAll(texts(consumer.poll(POLL)));
        }
        return received;
    }

    static List<String> texts(final List<ReceivedMessage> messages)
    {
        return messages.stream().map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList();
    }
}

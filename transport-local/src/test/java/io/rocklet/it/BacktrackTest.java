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

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backtrack (F15): {@code Admin.resetOffsets} moves a group's committed offsets to a time (the store time of a
 * received message), to FIRST or to LAST, back or forward; a running member redelivers from the new offsets
 * at once, and a forward reset skips what lies before it.
 */
@Timeout(90)
class BacktrackTest
{
    private static final String TOPIC = "ledger";
    private static final String GROUP = "g-backtrack";

    private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
    private final Map<String, Long> storeTimes = new ConcurrentHashMap<>();

    @Test
    void shouldRedeliverFromTheResetPointWhenTheRunningGroupIsResetBackInTime()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final PushConsumer consumer = consumer(rocklet);
            final Producer producer = rocklet.newProducer("pg");
            final Set<String> older = send(producer, "old", 40);
            tick();
            final Set<String> newer = send(producer, "new", 40);
            final Set<String> all = union(older, newer);
            Await.until(() -> deliveries.keySet().containsAll(all), () -> "received " + deliveries.size());
            assertDeliveredTimes(all, 1);

            // back to the store time of the oldest "new" message: exactly the newer ones come again
            final long resetTime = newer.stream().mapToLong(storeTimes::get).min().orElseThrow();
            older.forEach(id -> assertTrue(storeTimes.get(id) < resetTime, "older stored before"));
            rocklet.admin().resetOffsets(GROUP, TOPIC, resetTime);
            Await.until(() -> deliveredTimes(newer) == 2, () -> "redelivered after a reset by time: " + deliveries);

            // back to FIRST: everything comes again
            rocklet.admin().resetOffsets(GROUP, TOPIC, ConsumeFrom.Position.FIRST);
            Await.until(() -> deliveredTimes(older) == 2 && deliveredTimes(newer) == 3,
                () -> "redelivered after a reset to FIRST: " + deliveries);

            // to LAST: nothing comes again, the next messages do. A running consumer applies a reset when the
            // broker's notification reaches it, after resetOffsets returned: a message sent in between may be
            // consumed first and then again from the reset position (at least once, at most twice)
            rocklet.admin().resetOffsets(GROUP, TOPIC, ConsumeFrom.Position.LAST);
            final Set<String> next = send(producer, "next", 8);
            Await.until(() -> deliveries.keySet().containsAll(next), () -> "received " + deliveries.size());
            consumer.close();
            assertDeliveredTimes(older, 2);
            assertDeliveredTimes(newer, 3);
            for (final String id : next)
            {
                final int times = deliveries.get(id);
                assertTrue(times == 1 || times == 2, "deliveries of " + id + ": " + times);
            }
        }
    }

    @Test
    void shouldSkipMessagesWhenTheGroupIsResetForward()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final Producer producer = rocklet.newProducer("pg");
            final PushConsumer first = consumer(rocklet);
            final Set<String> consumed = send(producer, "consumed", 20);
            Await.until(() -> deliveries.keySet().containsAll(consumed), () -> "received " + deliveries.size());
            first.close();

            final Set<String> skipped = send(producer, "skipped", 30); // nobody consumes these...
            tick();
            final long forward = System.currentTimeMillis();
            final Set<String> kept = send(producer, "kept", 30);
            rocklet.admin().resetOffsets(GROUP, TOPIC, forward); // ...and the reset jumps over them

            final PushConsumer second = consumer(rocklet);
            final Set<String> later = send(producer, "later", 10);
            final Set<String> expected = union(union(consumed, kept), later);
            Await.until(() -> deliveries.keySet().containsAll(expected), () -> "received " + deliveries.size());
            second.close();
            assertEquals(expected, deliveries.keySet(), "skipped: " + skipped.size());
            assertDeliveredTimes(expected, 1);
        }
    }

    @Test
    void shouldApplyEveryResetWhenTheRunningMemberCommitsAllTheTime()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final PushConsumer consumer = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder(GROUP)
                .subscribe(TOPIC, "*")
                .consumeFrom(ConsumeFrom.FIRST)
                .persistOffsetInterval(Duration.ofMillis(1)) // a commit of the old position races every reset
                .listener(messages ->
                {
                    messages.forEach(message -> deliveries.merge(message.messageId(), 1, Integer::sum));
                    return ConsumeResult.SUCCESS;
                }).build());
            final Set<String> sent = send(rocklet.newProducer("pg"), "m", 20);
            Await.until(() -> deliveredTimes(sent) == 1, () -> "received " + deliveries.size());
            for (int round = 2; round <= 30; round++)
            {
                rocklet.admin().resetOffsets(GROUP, TOPIC, ConsumeFrom.Position.FIRST);
                final int times = round;
                Await.until(Duration.ofSeconds(10), () -> deliveredTimes(sent) >= times,
                    () -> "reset " + times + " lost: " + deliveries.values());
            }
            consumer.close();
        }
    }

    private PushConsumer consumer(final EmbeddedRocklet rocklet)
    {
        return rocklet.newClient().newPushConsumer(PushConsumerConfig.builder(GROUP)
            .subscribe(TOPIC, "*")
            .consumeFrom(ConsumeFrom.FIRST)
            .persistOffsetInterval(Duration.ofMillis(20)) // frequent commits must not undo a reset
            .listener(messages ->
            {
                messages.forEach(message ->
                {
                    storeTimes.put(message.messageId(), message.storeTimestampMs());
                    deliveries.merge(message.messageId(), 1, Integer::sum);
                });
                return ConsumeResult.SUCCESS;
            }).build());
    }

    private int deliveredTimes(final Set<String> ids)
    {
        int min = Integer.MAX_VALUE;
        for (final String id : ids)
        {
            min = Math.min(min, deliveries.getOrDefault(id, 0));
        }
        return min;
    }

    private void assertDeliveredTimes(final Set<String> ids, final int times)
    {
        for (final String id : ids)
        {
            assertEquals(times, deliveries.get(id), "deliveries of " + id);
        }
    }

    /**
     * Lets the wall clock move past every store time so far, so that the next messages are stored later.
     */
    private static void tick()
    {
        final long now = System.currentTimeMillis();
        Await.until(() -> System.currentTimeMillis() > now + 1, () -> "the clock moves on");
    }

    private static Set<String> union(final Set<String> a, final Set<String> b)
    {
        final Set<String> union = new HashSet<>(a);
        union.addAll(b);
        return union;
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

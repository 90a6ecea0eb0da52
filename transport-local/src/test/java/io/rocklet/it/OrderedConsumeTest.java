package io.rocklet.it;

import io.rocklet.api.ConsumeMode;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageListener;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ordered messages (F12, F17, section 5): messages sent with a sharding key stay in one queue, and orderly
 * members of one group - joining and leaving while the messages flow - receive each key's sequence strictly in
 * order, each message once, and never run two messages of one queue at the same time (counted across members);
 * also when listeners fail now and then (a failed message is retried in place and holds its queue back).
 */
@Timeout(120)
class OrderedConsumeTest
{
    private static final String TOPIC = "sequences";
    private static final int QUEUES = 8;
    private static final int KEYS = 16;
    private static final int PER_KEY = 60;

    private final Map<String, List<Integer>> receivedByKey = new ConcurrentHashMap<>();
    private final Map<String, MessageQueue> queueOfKey = new ConcurrentHashMap<>();
    private final Map<MessageQueue, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    /** When positive, the first delivery of every message at offset 3 modulo this fails. */
    private int failEvery;

    @Test
    void shouldKeepEveryKeyInOrderWhenMembersJoinAndLeaveDuringConsumption() throws Exception
    {
        consumeWhileMembersChange();
    }

    @Test
    void shouldKeepEveryKeyInOrderWhenListenersFailAndMembersChange() throws Exception
    {
        failEvery = 7;
        consumeWhileMembersChange();
        assertTrue(failures.get() > 0, "failures were injected");
    }

    private void consumeWhileMembersChange() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, QUEUES);
            final Producer producer = rocklet.newProducer("pg");
            final List<PushConsumer> members = new ArrayList<>();
            members.add(member(rocklet));

            final AtomicInteger sent = new AtomicInteger();
            final CompletableFuture<Void> sending = CompletableFuture.runAsync(() ->
            {
                for (int seq = 0; seq < PER_KEY; seq++)
                {
                    for (int k = 0; k < KEYS; k++)
                    {
                        final String key = "key-" + k;
                        final MessageQueue queue = producer.send(Message.builder(TOPIC).key(key)
                            .body(key + ":" + seq).build(), key).queue();
                        final MessageQueue first = queueOfKey.putIfAbsent(key, queue);
                        if (first != null && !first.equals(queue))
                        {
                            violations.add("key " + key + " moved from " + first + " to " + queue);
                        }
                        sent.incrementAndGet();
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // spread the sends over the changes
                }
            });
            final int total = KEYS * PER_KEY;
            awaitDelivered(total / 5);
            members.add(member(rocklet));
            awaitDelivered(2 * total / 5);
            members.add(member(rocklet));
            awaitDelivered(3 * total / 5);
            members.remove(0).close();
            awaitDelivered(4 * total / 5);
            members.add(member(rocklet));
            members.remove(0).close();
            sending.get(60, TimeUnit.SECONDS);
            assertEquals(total, sent.get());
            Await.until(Duration.ofSeconds(60), () -> delivered.get() >= total,
                () -> "delivered " + delivered.get() + " of " + total + ", violations " + violations);
            members.forEach(PushConsumer::close);

            assertTrue(violations.isEmpty(), violations.toString());
            assertEquals(KEYS, receivedByKey.size());
            final List<Integer> expected = new ArrayList<>();
            for (int seq = 0; seq < PER_KEY; seq++)
            {
                expected.add(seq);
            }
            receivedByKey.forEach((key, sequence) -> assertEquals(expected, sequence, "sequence of " + key));
            assertEquals(total, delivered.get(), "no duplicates");
        }
    }

    private void awaitDelivered(final int count)
    {
        Await.until(Duration.ofSeconds(60), () -> delivered.get() >= count,
            () -> "delivered " + delivered.get() + " of " + count);
    }

    private PushConsumer member(final EmbeddedRocklet rocklet)
    {
        final MessageListener listener = messages ->
        {
            final MessageQueue queue = messages.get(0).queue();
            final AtomicInteger running = inFlight.computeIfAbsent(queue, q -> new AtomicInteger());
            if (running.incrementAndGet() != 1)
            {
                violations.add("two calls at once on " + queue);
            }
            try
            {
                final ReceivedMessage head = messages.get(0);
                if (failEvery > 0 && head.reconsumeTimes() == 0 && head.queueOffset() % failEvery == 3)
                {
                    failures.incrementAndGet();
                    return ConsumeResult.RECONSUME_LATER; // retried in place after suspendTime, the queue waits
                }
                for (final ReceivedMessage message : messages)
                {
                    final String[] body = new String(message.bodyBytes(), StandardCharsets.UTF_8).split(":");
                    receivedByKey.computeIfAbsent(body[0], k -> new CopyOnWriteArrayList<>())
                        .add(Integer.parseInt(body[1]));
                    delivered.incrementAndGet();
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300)); // widen the window for overlaps
                return ConsumeResult.SUCCESS;
            }
            finally
            {
                running.decrementAndGet();
            }
        };
        return rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("og")
            .subscribe(TOPIC, "*")
            .consumeMode(ConsumeMode.ORDERLY)
            .consumeThreads(4)
            .suspendTime(Duration.ofMillis(20))
            .listener(listener).build());
    }
}

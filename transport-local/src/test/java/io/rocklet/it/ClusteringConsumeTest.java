package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SendReceipt;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clustering (F14): the members of one group, each in its own client, share a topic's queues evenly and
 * receive each message exactly once in a run without failures, each only from its own queues - also while
 * members join and leave and queues move between them.
 */
@Timeout(90)
class ClusteringConsumeTest
{
    private static final String TOPIC = "orders";
    private static final int QUEUES = 12;
    private static final int MEMBERS = 3;
    private static final int MESSAGES = 600;

    @Test
    void shouldSplitQueuesEvenlyAndDeliverEachMessageOnceWhenThreeMembersShareAGroup() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, QUEUES);
            final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
            final List<Map<String, MessageQueue>> receivedBy = new ArrayList<>();
            final CountDownLatch all = new CountDownLatch(MESSAGES);
            final List<PushConsumer> consumers = new ArrayList<>();
            for (int i = 0; i < MEMBERS; i++)
            {
                final Map<String, MessageQueue> mine = new ConcurrentHashMap<>();
                receivedBy.add(mine);
                consumers.add(rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("cg")
                    .subscribe(TOPIC, "*")
                    .listener(messages ->
                    {
                        for (final ReceivedMessage message : messages)
                        {
                            mine.put(message.messageId(), message.queue());
                            if (deliveries.merge(message.messageId(), 1, Integer::sum) == 1)
                            {
                                all.countDown();
                            }
                        }
                        return ConsumeResult.SUCCESS;
                    }).build()));
            }
            Await.until(() -> evenSplit(consumers), () -> "assignments " + assignments(consumers));
            final List<Set<MessageQueue>> assigned = new ArrayList<>();
            consumers.forEach(consumer -> assigned.add(topicQueues(consumer)));

            final Producer producer = rocklet.newProducer("pg");
            final Map<String, MessageQueue> sent = new HashMap<>();
            for (int i = 0; i < MESSAGES; i++)
            {
                final SendReceipt receipt = producer.send(Message.builder(TOPIC).body("m" + i).build());
                sent.put(receipt.messageId(), receipt.queue());
            }
            assertEquals(MESSAGES, sent.size(), "message ids are unique");
            assertEquals(QUEUES, new HashSet<>(sent.values()).size(), "round robin used every queue");

            assertTrue(all.await(30, TimeUnit.SECONDS), "received " + deliveries.size() + " of " + MESSAGES);
            consumers.forEach(PushConsumer::close); // no listener call after this: the counts are final
            assertEquals(sent.keySet(), deliveries.keySet());
            deliveries.forEach((id, count) -> assertEquals(1, count, "deliveries of " + id));
            for (int i = 0; i < MEMBERS; i++)
            {
                for (final Map.Entry<String, MessageQueue> received : receivedBy.get(i).entrySet())
                {
                    assertEquals(sent.get(received.getKey()), received.getValue(), "queue of " + received.getKey());
                    assertTrue(assigned.get(i).contains(received.getValue()),
                        "member " + i + " received from " + received.getValue() + " outside " + assigned.get(i));
                }
            }
        }
    }

    @Test
    void shouldDeliverEachMessageOnceWhenMembersJoinAndLeaveWhileMessagesFlow() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, QUEUES);
            final Map<String, List<String>> deliveries = new ConcurrentHashMap<>();
            final List<PushConsumer> members = new ArrayList<>();
            members.add(churnMember(rocklet, 0, deliveries));
            final Producer producer = rocklet.newProducer("pg");
            final Set<String> sent = ConcurrentHashMap.newKeySet();
            final CompletableFuture<Void> sending = CompletableFuture.runAsync(() ->
            {
                for (int i = 0; i < 1500; i++)
                {
                    sent.add(producer.send(Message.builder(TOPIC).body("m" + i).build()).messageId());
                    if (i % 50 == 0)
                    {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // spread the sends over the changes
                    }
                }
            });
            for (int change = 0; change < 6; change++)
            {
                final int atLeast = 200 * (change + 1);
                Await.until(() -> deliveries.size() >= atLeast || sending.isDone(),
                    () -> "delivered " + deliveries.size());
                if (change % 3 == 2)
                {
                    members.remove(0).close();
                }
                else
                {
                    members.add(churnMember(rocklet, change + 1, deliveries));
                }
            }
            sending.get(60, TimeUnit.SECONDS);
            Await.until(() -> deliveries.keySet().containsAll(sent), () -> "delivered " + deliveries.size());
            members.forEach(PushConsumer::close);
            assertEquals(sent, deliveries.keySet());
            deliveries.forEach((id, by) -> assertEquals(1, by.size(), "deliveries of " + id + ": " + by));
        }
    }

    @Test
    void shouldRedeliverNothingWhenQueuesMoveWhileManyConsumeThreadsOvertakeEachOther()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic("busy", 2);
            final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
            final Supplier<PushConsumer> member = () -> rocklet.newClient().newPushConsumer(PushConsumerConfig
                .builder("cg-threads")
                .subscribe("busy", "*")
                .consumeFrom(ConsumeFrom.FIRST)
                .consumeThreads(16) // on two cores, threads are often descheduled between taking a task and its call
                .listener(messages ->
                {
                    messages.forEach(message -> deliveries.merge(message.messageId(), 1, Integer::sum));
                    Thread.yield();
                    return ConsumeResult.SUCCESS;
                }).build());
            final Producer producer = rocklet.newProducer("pg");
            final List<PushConsumer> members = new ArrayList<>();
            members.add(member.get());
            int sent = 0;
            for (int round = 0; round < 40; round++)
            {
                for (int i = 0; i < 300; i++)
                {
                    producer.sendOneway(Message.builder("busy").body("m" + sent).build());
                    sent++;
                }
                if (members.size() > 1 && round % 2 == 1)
                {
                    members.remove(0).close();
                }
                else
                {
                    members.add(member.get());
                }
            }
            final int total = sent;
            Await.until(Duration.ofSeconds(60), () -> deliveries.size() >= total,
                () -> "delivered " + deliveries.size() + " of " + total);
            members.forEach(PushConsumer::close);
            assertEquals(total, deliveries.size());
            final long twice = deliveries.values().stream().filter(count -> count > 1).count();
            assertEquals(0, twice, "messages delivered twice although no member failed");
        }
    }

    private static PushConsumer churnMember(final EmbeddedRocklet rocklet, final int index,
        final Map<String, List<String>> deliveries)
    {
        return rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("cg-churn")
            .subscribe(TOPIC, "*")
            .consumeFrom(ConsumeFrom.FIRST)
            .listener(messages ->
            {
                for (final ReceivedMessage message : messages)
                {
                    deliveries.computeIfAbsent(message.messageId(), id -> new CopyOnWriteArrayList<>())
                        .add("member " + index + " " + message.queue() + "#" + message.queueOffset() + " at " +
                            System.nanoTime() / 1000 + " us");
                }
                LockSupport.parkNanos(200_000); // calls overlap hand-overs
                return ConsumeResult.SUCCESS;
            }).build());
    }

    private static boolean evenSplit(final List<PushConsumer> consumers)
    {
        final Set<MessageQueue> union = new HashSet<>();
        for (final PushConsumer consumer : consumers)
        {
            final Set<MessageQueue> queues = topicQueues(consumer);
            if (queues.size() != QUEUES / MEMBERS)
            {
                return false;
            }
            union.addAll(queues);
        }
        return union.size() == QUEUES;
    }

    private static Set<MessageQueue> topicQueues(final PushConsumer consumer)
    {
        final Set<MessageQueue> queues = new HashSet<>();
        for (final MessageQueue queue : consumer.assignment())
        {
            if (queue.topic().equals(TOPIC))
            {
                queues.add(queue);
            }
        }
        return queues;
    }

    private static List<Set<MessageQueue>> assignments(final List<PushConsumer> consumers)
    {
        final List<Set<MessageQueue>> result = new ArrayList<>();
        consumers.forEach(consumer -> result.add(consumer.assignment()));
        return result;
    }
}

package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pull consumer end to end (F13): assigned queues polled in queue order, seek (to an offset, the beginning,
 * the end, a time), manual commit and committed offsets, auto-commit, and subscribed members sharing queues.
 */
@Timeout(90)
class PullConsumerTest
{
    private static final String TOPIC = "pulled";
    private static final Duration POLL = Duration.ofMillis(200);

    @Test
    void shouldPollSeekAndCommitAssignedQueues()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final Producer producer = directed(rocklet);
            final MessageQueue q0 = send(producer, 0, 0, 20).get(0).queue();
            final MessageQueue q1 = send(producer, 1, 0, 10).get(0).queue();
            tick();
            final long middle = System.currentTimeMillis(); // after q1's first ten, before its next ten
            send(producer, 1, 10, 10);

            final PullConsumer consumer = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder("pc")
                .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).pullBatchSize(8).build());
            consumer.assign(List.of(q0, q1));
            assertEquals(Set.of(q0, q1), consumer.assignment());
            assertEquals(List.of(q0, q1), consumer.queues(TOPIC));
            final List<ReceivedMessage> first = consumer.poll(Duration.ofSeconds(10));
            assertTrue(!first.isEmpty() && first.size() <= 16, "at most a batch per queue: " + first.size());
            final List<ReceivedMessage> all = new ArrayList<>(first);
            all.addAll(pollUntil(consumer, 40 - first.size()));
            assertEquals(range(0, 20), offsets(all, q0), "queue order");
            assertEquals(range(0, 20), offsets(all, q1), "queue order");
            assertEquals(List.of(), consumer.poll(POLL), "nothing more");

            assertEquals(-1, consumer.committed(q0), "nothing committed yet");
            consumer.commit();
            assertEquals(20, consumer.committed(q0));
            assertEquals(20, consumer.committed(q1));
            consumer.commit(q1, 7);
            assertEquals(7, consumer.committed(q1));

            consumer.seek(q0, 15);
            assertEquals(range(15, 20), offsets(pollUntil(consumer, 5), q0), "after seek");
            consumer.seekToBeginning(q1);
            assertEquals(range(0, 20), offsets(pollUntil(consumer, 20), q1), "after seekToBeginning");
            consumer.seekToTimestamp(q1, middle);
            assertEquals(range(10, 20), offsets(pollUntil(consumer, 10), q1), "after seekToTimestamp");
            consumer.seekToEnd(q0);
            assertEquals(List.of(), consumer.poll(POLL), "at the end");
            send(producer, 0, 20, 1);
            assertEquals(List.of(20L), offsets(pollUntil(consumer, 1), q0), "the next message after seekToEnd");
            consumer.commit();
            assertEquals(21, consumer.committed(q0));

            final MessageQueue unassigned = new MessageQueue(TOPIC, q0.brokerName(), 5);
            assertThrows(InvalidArgumentException.class, () -> consumer.seek(unassigned, 0));
            assertThrows(InvalidArgumentException.class, () -> consumer.seek(q0, -1));
            assertThrows(InvalidArgumentException.class, () -> consumer.seekToEnd(unassigned));
            consumer.close();
        }
    }

    @Test
    void shouldCommitWhatPollReturnedWhenAutoCommitting()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final Producer producer = directed(rocklet);
            final MessageQueue q0 = send(producer, 0, 0, 10).get(0).queue();
            final MessageQueue q1 = send(producer, 1, 0, 10).get(0).queue();

            final PullConsumer consumer = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder("auto")
                .consumeFrom(ConsumeFrom.FIRST).autoCommitInterval(Duration.ofMillis(50)).build());
            consumer.assign(List.of(q0, q1));
            pollUntil(consumer, 20);
            consumer.poll(POLL); // the next poll counts what the last one returned as consumed
            Await.until(() -> consumer.committed(q0) == 10 && consumer.committed(q1) == 10,
                () -> "committed " + consumer.committed(q0) + ", " + consumer.committed(q1));

            send(producer, 0, 10, 5);
            assertEquals(range(10, 15), offsets(pollUntil(consumer, 5), q0));
            consumer.close(); // commits what the last poll returned

            final PullConsumer next = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder("auto")
                .consumeFrom(ConsumeFrom.FIRST).build());
            next.assign(List.of(q0, q1));
            assertEquals(15, next.committed(q0));
            send(producer, 1, 10, 1);
            assertEquals(List.of(10L), offsets(pollUntil(next, 1), q1), "continues from the committed offsets");
            assertEquals(List.of(), next.poll(POLL));
            next.close();
        }
    }

    @Test
    void shouldShareQueuesBetweenSubscribedMembers()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final PullConsumer first = member(rocklet.newClient());
            final PullConsumer second = member(rocklet.newClient());
            Await.until(() -> first.assignment().size() == 2 && second.assignment().size() == 2,
                () -> "first " + first.assignment() + ", second " + second.assignment());
            final Set<MessageQueue> union = new HashSet<>(first.assignment());
            union.addAll(second.assignment());
            assertEquals(4, union.size(), "disjoint");

            final Producer producer = rocklet.newProducer("pg");
            final Set<String> sent = new HashSet<>();
            for (int i = 0; i < 40; i++)
            {
                sent.add(producer.send(Message.builder(TOPIC).body("m" + i).build()).messageId());
            }
            final Map<String, Integer> received = new HashMap<>();
            Await.until(() ->
            {
                for (final PullConsumer member : List.of(first, second))
                {
                    for (final ReceivedMessage message : member.poll(Duration.ofMillis(50)))
                    {
                        assertTrue(member.assignment().contains(message.queue()), "from its own queues");
                        received.merge(message.messageId(), 1, Integer::sum);
                    }
                }
                return received.keySet().containsAll(sent);
            }, () -> "received " + received.size());
            first.close();
            second.close();
            assertEquals(sent, received.keySet());
            received.forEach((id, count) -> assertEquals(1, count, "deliveries of " + id));
        }
    }

    private static PullConsumer member(final RockletClient client)
    {
        final PullConsumer consumer = client.newPullConsumer(PullConsumerConfig.builder("members").build());
        consumer.subscribe(TOPIC, "*");
        return consumer;
    }

    /**
     * @return a producer whose sharding key is the queue id.
     */
    private static Producer directed(final EmbeddedRocklet rocklet)
    {
        return rocklet.newProducer(ProducerConfig.builder("pg")
            .queueSelector((queues, key) -> queues.get(Integer.parseInt(key))).build());
    }

    private static List<SendReceipt> send(final Producer producer, final int queueId, final int from, final int count)
    {
        final List<SendReceipt> receipts = new ArrayList<>();
        for (int i = from; i < from + count; i++)
        {
            receipts.add(producer.send(Message.builder(TOPIC).body("q" + queueId + "-" + i).build(),
                Integer.toString(queueId)));
        }
        return receipts;
    }

    private static List<ReceivedMessage> pollUntil(final PullConsumer consumer, final int count)
    {
        final List<ReceivedMessage> polled = new ArrayList<>();
        Await.until(() ->
        {
            polled.addAll(consumer.poll(Duration.ofMillis(100)));
            return polled.size() >= count;
        }, () -> "polled " + polled.size() + " of " + count);
        assertEquals(count, polled.size(), "polled more than expected");
        return polled;
    }

    private static List<Long> offsets(final List<ReceivedMessage> messages, final MessageQueue queue)
    {
        return messages.stream().filter(message -> message.queue().equals(queue)).map(ReceivedMessage::queueOffset)
            .toList();
    }

    private static List<Long> range(final long from, final long to)
    {
        final List<Long> range = new ArrayList<>();
        for (long i = from; i < to; i++)
        {
            range.add(i);
        }
        return range;
    }

    private static void tick()
    {
        final long now = System.currentTimeMillis();
        Await.until(() -> System.currentTimeMillis() > now + 1, () -> "the clock moves on");
    }
}

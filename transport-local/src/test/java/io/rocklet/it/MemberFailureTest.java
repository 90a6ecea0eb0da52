package io.rocklet.it;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member that vanishes without closing (its process died, or the network to it did): the broker expires it
 * after {@code clientExpiry}, the survivors take its queues over from the offsets it committed, and nothing is
 * lost (what it had consumed but not committed comes again: at least once).
 */
@Timeout(60)
class MemberFailureTest
{
    private static final String TOPIC = "work";

    @Test
    void shouldHandTheQueuesOfAVanishedMemberToTheSurvivorWithoutLoss()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("b1", broker -> broker.clientExpiry(Duration.ofSeconds(1)));
            final RockletClient admin = cluster.newClient();
            admin.admin().createTopic(TopicConfig.of(TOPIC, 4));
            final Map<String, Integer> bySurvivor = new ConcurrentHashMap<>();
            final Map<String, Integer> byVanished = new ConcurrentHashMap<>();
            final UnaryOperator<ClientConfig.Builder> heartbeats = client -> client
                .heartbeatInterval(Duration.ofMillis(200)); // well within the broker's client expiry
            final PushConsumer survivor = cluster.newClient(heartbeats).newPushConsumer(config(bySurvivor));
            final PartitionableTransport view = new PartitionableTransport(cluster.transport);
            final PushConsumer vanishing = cluster.newClient(heartbeats, view).newPushConsumer(config(byVanished));
            Await.until(() -> survivor.assignment().stream().filter(q -> q.topic().equals(TOPIC)).count() == 2,
                () -> "survivor " + survivor.assignment());
            final Set<MessageQueue> orphaned = new HashSet<>(vanishing.assignment());

            final Producer producer = admin.newProducer(ProducerConfig.builder("pg").build());
            final Set<String> sent = new HashSet<>();
            for (int i = 0; i < 100; i++)
            {
                sent.add(producer.send(Message.builder(TOPIC).body("a" + i).build()).messageId());
            }
            Await.until(() -> union(bySurvivor, byVanished).containsAll(sent), () -> "received before the cut");

            for (final MessageQueue queue : orphaned) // let its commits reach the broker, for the count below
            {
                Await.until(() -> cluster.broker("b1").queryOffset("g-work", TOPIC, queue.queueId()).join() ==
                    cluster.broker("b1").queueOffsets(TOPIC, queue.queueId()).join().maxOffset(),
                    () -> "vanishing member committed " + queue + ": " +
                        cluster.broker("b1").queryOffset("g-work", TOPIC, queue.queueId()).join());
            }
            view.cut();
            for (int i = 0; i < 100; i++)
            {
                sent.add(producer.send(Message.builder(TOPIC).body("b" + i).build()).messageId());
            }
            Await.until(() -> survivor.assignment().containsAll(orphaned),
                () -> "survivor " + survivor.assignment() + " did not take " + orphaned);
            Await.until(() -> union(bySurvivor, byVanished).containsAll(sent), () -> "lost: " + missing(sent,
                union(bySurvivor, byVanished)));
            survivor.close();
            bySurvivor.forEach((id, count) -> assertEquals(1, count, "deliveries to the survivor of " + id));
            final Set<String> redelivered = new HashSet<>(bySurvivor.keySet());
            redelivered.retainAll(byVanished.keySet());
            assertTrue(redelivered.size() <= 64, "only what the vanished member took after its last commit (at " +
                "most two pulls of its two queues) comes again: " + redelivered.size());
        }
    }

    private static PushConsumerConfig config(final Map<String, Integer> received)
    {
        return PushConsumerConfig.builder("g-work")
            .subscribe(TOPIC, "*")
            .persistOffsetInterval(Duration.ofMillis(100))
            .longPollTimeout(Duration.ofSeconds(1))
            .listener(messages ->
            {
                messages.forEach(message -> received.merge(message.messageId(), 1, Integer::sum));
                return ConsumeResult.SUCCESS;
            }).build();
    }

    private static Set<String> union(final Map<String, Integer> a, final Map<String, Integer> b)
    {
        final Set<String> union = new HashSet<>(a.keySet());
        union.addAll(b.keySet());
        return union;
    }

    private static Set<String> missing(final Set<String> sent, final Set<String> received)
    {
        final Set<String> missing = new HashSet<>(sent);
        missing.removeAll(received);
        return missing;
    }
}

package io.rocklet.cluster;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.admin.QueueStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recall across JVMs and SIGKILL: the test JVM sends timed messages over gRPC to two broker JVMs, recalls every
 * other one, then both brokers are killed with SIGKILL and restarted on their data. The kept messages arrive; the
 * recalled ones never do. Each broker's last messages due are kept ones and its timer delivers in due order, so
 * once every kept message arrived the topic holds exactly the kept ones (a recalled message delivered would have
 * been stored before them).
 */
@Timeout(150)
class RecallKillTest
{
    private static final String TOPIC = "recall-kill";
    private static final int RECALLED = 16;
    private static final int KEPT = 24;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void shouldNeverDeliverARecalledMessageWhenTheBrokersAreKilledAndRestarted()
    {
        try (MultiJvmCluster cluster = MultiJvmCluster.start(directory))
        {
            cluster.createTopic(TOPIC, 2);
            final Set<String> kept = new TreeSet<>();
            try (Producer producer = cluster.client().newProducer(ProducerConfig.builder("recall-pg").build()))
            {
                final long dueMs = System.currentTimeMillis() + 5_000;
                for (int i = 0; i < RECALLED + KEPT; i++)
                {
                    final boolean recall = i < 2 * RECALLED && i % 2 == 1;
                    final String body = (recall ? "recalled-" : "kept-") + i;
                    final SendReceipt receipt = producer.send(Message.builder(TOPIC).deliverAt(dueMs + 10L * i)
                        .body(body).build());
                    if (recall)
                    {
                        assertTrue(producer.recall(TOPIC, receipt.messageId()).join(), body);
                        assertFalse(producer.recall(TOPIC, receipt.messageId()).join(), "recalled before: " + body);
                    }
                    else
                    {
                        kept.add(body);
                    }
                }
            }
            for (final String broker : MultiJvmCluster.BROKERS)
            {
                cluster.broker(broker).kill9();
            }
            for (final String broker : MultiJvmCluster.BROKERS)
            {
                cluster.broker(broker).restart();
            }
            cluster.awaitRegistered(List.of(cluster.router(0), cluster.router(1)));

            assertEquals(kept, receive(cluster, KEPT));
            final long stored = cluster.admin().queueStats(TOPIC).stream().mapToLong(QueueStats::maxOffset).sum();
            assertEquals(KEPT, stored, "messages stored in the topic: the kept ones only");
        }
    }

    private static Set<String> receive(final MultiJvmCluster cluster, final int count)
    {
        final Set<String> received = new TreeSet<>();
        try (PullConsumer consumer = cluster.client().newPullConsumer(PullConsumerConfig.builder("recall-pc")
            .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build()))
        {
            consumer.assign(consumer.queues(TOPIC));
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (received.size() < count && System.nanoTime() < deadline)
            {
                for (final ReceivedMessage message : consumer.poll(Duration.ofMillis(500)))
                {
                    received.add(new String(message.bodyBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return received;
    }
}

package io.rocklet.cluster;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.transport.grpc.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactions across JVMs and SIGKILL (F21): a producer JVM begins 20 transactions on two broker JVMs (check-backs
 * every second, after a second) and answers every check UNKNOWN; it is killed with SIGKILL between the half messages
 * and their outcome, and so are both brokers, which restart on their data. A new producer JVM of the same group
 * answers the checks by its checker's rule (COMMIT the even ones, ROLLBACK the odd ones): each even message is
 * delivered exactly once, no odd one ever, and no transaction stays open.
 */
@Timeout(180)
class TransactionKillTest
{
    private static final String TOPIC = "txn-kill";
    private static final String GROUP = "txn-kill-pg";
    private static final int TRANSACTIONS = 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void shouldDeliverEachTransactionOnceOrNeverAsTheRestartedProducersCheckerSaysWhenProducerAndBrokersAreKilled()
    {
        try (MultiJvmCluster cluster = MultiJvmCluster.start(directory, "--transaction-check-interval", "1s",
            "--transaction-timeout", "1s", "--transaction-max-checks", "100000"))
        {
            cluster.createTopic(TOPIC, 2);
            final ClientProcess first = cluster.transactionProducer("txn-first", TOPIC, "--group", GROUP, "--count",
                Integer.toString(TRANSACTIONS), "--answer", "unknown").awaitReady();
            first.awaitProgress(counts -> counts.getOrDefault("begun", 0L) == TRANSACTIONS, WAIT,
                TRANSACTIONS + " transactions begun");
            first.kill9();
            final List<TransactionInfo> open = cluster.admin().transactions(GROUP);
            assertEquals(TRANSACTIONS, open.size(), "every transaction open: " + open);
            assertTrue(open.stream().map(TransactionInfo::brokerName).distinct().count() == 2, "on both brokers");
            for (final String broker : MultiJvmCluster.BROKERS)
            {
                cluster.broker(broker).kill9();
            }
            for (final String broker : MultiJvmCluster.BROKERS)
            {
                cluster.broker(broker).restart();
            }
            cluster.awaitRegistered(List.of(cluster.router(0), cluster.router(1)));
            assertEquals(TRANSACTIONS, cluster.admin().transactions(GROUP).size(), "still open after the brokers' kill");

            final ClientProcess second = cluster.transactionProducer("txn-second", TOPIC, "--group", GROUP,
                "--count", "0", "--answer", "body").awaitReady();
            final Set<String> expected = new TreeSet<>();
            for (int i = 0; i < TRANSACTIONS; i += 2)
            {
                expected.add("txn-" + i);
            }
            assertEquals(expected, receive(cluster, expected.size()));
            Await.until(WAIT, () -> cluster.admin().transactions(GROUP).isEmpty(),
                () -> "transactions still open: " + cluster.admin().transactions(GROUP));
            final long stored = cluster.admin().queueStats(TOPIC).stream().mapToLong(QueueStats::maxOffset).sum();
            assertEquals(expected.size(), stored, "the committed ones once, no rolled-back one");
            second.stop();
        }
    }

    private static Set<String> receive(final MultiJvmCluster cluster, final int count)
    {
        final List<String> received = new ArrayList<>();
        try (PullConsumer consumer = cluster.client().newPullConsumer(PullConsumerConfig.builder("txn-kill-pc")
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
        assertEquals(received.size(), new TreeSet<>(received).size(), "each once: " + received);
        return new TreeSet<>(received);
    }
}

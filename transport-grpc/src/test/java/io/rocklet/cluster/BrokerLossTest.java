package io.rocklet.cluster;

import io.rocklet.testkit.AccountingReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durability contract across JVMs: brokers flush SYNC; a producer JVM sends continuously, booking every
 * outcome, while a consumer JVM consumes; broker-a is killed with SIGKILL mid-stream. Sends move to broker-b within
 * seconds; broker-a restarts on its data directory and port; a new producer sends to both again; the consumer
 * resumes broker-a's queues from the offsets committed there; every acknowledged message is received, those
 * stored on broker-a after its restart; duplicates stay within what was in flight when it died.
 */
@Timeout(150)
class BrokerLossTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "broker-loss";
    private static final long FAILOVER_BOUND_MS = 10_000;
    /**
     * Consumed but maybe not durably committed when broker-a died: the consumer commits every 5 s and broker-a
     * writes offsets to disk every 5 s, so its queues may be consumed again from up to 10 s (+ 1 s of slack)
     * before the kill.
     */
    private static final long UNCOMMITTED_WINDOW_MS = 11_000;

    @TempDir
    Path directory;

    @Test
    void shouldMoveSendsToTheOtherBrokerAndLoseNoAcknowledgedMessageWhenABrokerIsKilled() throws IOException
    {
        try (MultiJvmCluster cluster = MultiJvmCluster.start(directory))
        {
            cluster.createTopic(TOPIC, 4);
            final ClientProcess consumer = cluster.consumer("bl-c1", TOPIC, "g-bl");
            final Path timeline = directory.resolve("bl-p1.timeline");
            final ClientProcess p1 = cluster.producer("bl-p1", TOPIC, "--rate", "100", "--timeline",
                timeline.toString());
            consumer.awaitReady();
            p1.awaitReady();
            p1.awaitProgress(counts -> counts.getOrDefault("broker-a", 0L) >= 100, WAIT, "100 sends to broker-a");
            consumer.awaitProgress(counts -> counts.get("received") >= 150, WAIT, "150 receipts");

            final ServerProcess brokerA = cluster.broker("broker-a");
            final long killedAtMs = System.currentTimeMillis();
            brokerA.kill9();
            final long okAtKill = p1.progress("ok");
            p1.awaitProgress(counts -> counts.get("ok") >= okAtKill + 200, WAIT, "200 sends after the kill");
            final long receivedAfterKill = consumer.progress("received");

            brokerA.restart();
            cluster.awaitRegistered(List.of(cluster.router(0), cluster.router(1)));
            final Map<String, Long> sent1 = p1.stop();
            // a producer that never saw broker-a fail sends to both again (bl-p1 avoids broker-a for 30 s)
            final ClientProcess p2 = cluster.producer("bl-p2", TOPIC, "--count", "200");
            final Map<String, Long> sent2 = p2.awaitDone(WAIT);
            final List<Path> journals = List.of(p1.journal(), p2.journal(), consumer.journal());
            Journals.awaitNoLoss(journals, WAIT);
            final Map<String, Long> received = consumer.stop();
            // the consumer committed its offsets on close, on the restarted broker-a too
            final long lag = cluster.admin().progress("g-bl").lag(TOPIC);

            final AccountingReport report = Journals.report("broker loss", journals);
            final Failover failover = Failover.measure(Files.readAllLines(timeline), killedAtMs,
                UNCOMMITTED_WINDOW_MS);
            System.out.println("FAILOVER " + failover + "; bl-p1 " + sent1 + "; bl-p2 " + sent2 + "; bl-c1 " +
                received);
            report.assertNoLoss();
            assertTrue(failover.firstOkAfterKillMs() < FAILOVER_BOUND_MS, failover::toString);
            assertTrue(failover.longestGapMs() < FAILOVER_BOUND_MS, failover::toString);
            assertTrue(sent2.getOrDefault("broker-a", 0L) > 0, () -> "bl-p2 sent to the restarted broker-a: " +
                sent2);
            assertTrue(received.get("received") > receivedAfterKill, () -> "consumed after the restart: " + received);
            assertEquals(0, lag, () -> "committed offsets of g-bl: " + cluster.admin().progress("g-bl"));
            final long inFlight = failover.recentOnBrokerA() + failover.failedAroundKill() + 1;
            assertTrue(report.duplicated() <= inFlight, () -> "duplicates beyond what was in flight at the kill " +
                "(" + inFlight + "): " + report + "; " + failover);
        }
    }
}

package io.rocklet.cluster;

import io.rocklet.testkit.AccountingReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integration scenarios of the local transport's suite, with every piece in a JVM of its own: two routers, two
 * broker groups (one set for the class: no test kills anything), producers and consumers started per test and
 * talking gRPC. Each test prints its accounting report and fails on any lost acknowledged message; in these
 * failure-free runs every message is also delivered exactly once (per group, or per instance when broadcasting).
 */
@Timeout(value = 150)
class MultiJvmScenariosTest
{
    private static final int QUEUES_PER_BROKER = 4;
    private static final int QUEUES = QUEUES_PER_BROKER * MultiJvmCluster.BROKERS.size();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path directory;

    private static MultiJvmCluster cluster;

    @BeforeAll
    static void startCluster()
    {
        // retries go through delay levels 3 and up: 1 s each instead of 10 s, 30 s, ...
        cluster = MultiJvmCluster.start(directory, "--delay-levels", "1s,1s,1s,1s,1s,1s");
    }

    @AfterAll
    static void stopCluster()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    void shouldDeliverEveryMessageOnceWhenProducersAndConsumersRunInSeparateJvms()
    {
        cluster.createTopic("e2e", QUEUES_PER_BROKER);
        final ClientProcess consumer = cluster.consumer("e2e-c1", "e2e", "g-e2e").awaitReady();
        awaitAssigned(QUEUES, consumer);
        final ClientProcess p1 = cluster.producer("e2e-p1", "e2e", "--count", "150");
        final ClientProcess p2 = cluster.producer("e2e-p2", "e2e", "--count", "150");

        final Map<String, Long> sent1 = p1.awaitDone(WAIT);
        final Map<String, Long> sent2 = p2.awaitDone(WAIT);
        awaitReceived(List.of(consumer), 300);
        consumer.stop();

        final AccountingReport report = Journals.report("e2e", List.of(p1.journal(), p2.journal(),
            consumer.journal()));
        report.assertNoLoss();
        assertEquals(300, report.acknowledged(), report::toString);
        assertEquals(0, report.duplicated(), report::toString);
        assertTrue(sent1.get("broker-a") > 0 && sent1.get("broker-b") > 0, () -> "round robin: " + sent1);
        assertTrue(sent2.get("broker-a") > 0 && sent2.get("broker-b") > 0, () -> "round robin: " + sent2);
    }

    @Test
    void shouldSplitTheQueuesAndDeliverEachMessageOnceWhenTwoConsumerJvmsShareAGroup()
    {
        cluster.createTopic("clustering", QUEUES_PER_BROKER);
        final ClientProcess c1 = cluster.consumer("clu-c1", "clustering", "g-clu");
        final ClientProcess c2 = cluster.consumer("clu-c2", "clustering", "g-clu");
        c1.awaitReady();
        c2.awaitReady();
        awaitAssigned(QUEUES / 2, c1, c2);
        final ClientProcess producer = cluster.producer("clu-p1", "clustering", "--count", "200");

        producer.awaitDone(WAIT);
        awaitReceived(List.of(c1, c2), 200);
        final long received1 = c1.stop().get("received");
        final long received2 = c2.stop().get("received");

        final AccountingReport report = Journals.report("clustering", List.of(producer.journal(), c1.journal(),
            c2.journal()));
        report.assertNoLoss();
        assertEquals(200, report.acknowledged(), report::toString);
        assertEquals(0, report.duplicated(), report::toString);
        assertTrue(received1 > 0 && received2 > 0, () -> "both members consumed: " + received1 + " / " + received2);
    }

    /**
     * Waits until each consumer's latest counts show {@code queues} queues of the topic assigned.
     */
    private static void awaitAssigned(final int queues, final ClientProcess... consumers)
    {
        Await.until(WAIT, () -> List.of(consumers).stream().allMatch(consumer -> consumer.progress("assigned") ==
            queues), () -> "assigned=" + queues + " each: " + List.of(consumers).stream()
            .map(consumer -> consumer.name() + " " + consumer.progress() + consumer.describe()).toList());
    }

    private static void awaitReceived(final List<ClientProcess> consumers, final long messages)
    {
        Await.until(WAIT, () -> consumers.stream().mapToLong(consumer -> consumer.progress("received")).sum() >=
            messages, () -> "received " + messages + " messages: " + consumers.stream()
            .map(consumer -> consumer.name() + " " + consumer.progress() + consumer.describe()).toList());
    }
}

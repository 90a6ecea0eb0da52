package io.rocklet.cluster;

import io.rocklet.testkit.AccountingReport;
import io.rocklet.transport.grpc.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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

    @AfterEach
    void killClients()
    {
        cluster.killClients();
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

    @Test
    void shouldDeliverEveryMessageToEveryInstanceWhenBroadcasting()
    {
        cluster.createTopic("broadcast", QUEUES_PER_BROKER);
        final ClientProcess c1 = cluster.consumer("bc-c1", "broadcast", "g-bc", "--model", "broadcasting",
            "--offsets", directory.resolve("bc-c1-offsets").toString());
        final ClientProcess c2 = cluster.consumer("bc-c2", "broadcast", "g-bc", "--model", "broadcasting",
            "--offsets", directory.resolve("bc-c2-offsets").toString());
        c1.awaitReady();
        c2.awaitReady();
        awaitAssigned(QUEUES, c1, c2);
        final ClientProcess producer = cluster.producer("bc-p1", "broadcast", "--count", "100");

        producer.awaitDone(WAIT);
        awaitReceived(List.of(c1), 100);
        awaitReceived(List.of(c2), 100);
        c1.stop();
        c2.stop();

        for (final ClientProcess consumer : List.of(c1, c2))
        {
            final AccountingReport report = Journals.report("broadcast " + consumer.name(),
                List.of(producer.journal(), consumer.journal()));
            report.assertNoLoss();
            assertEquals(100, report.acknowledged(), report::toString);
            assertEquals(0, report.duplicated(), report::toString);
        }
    }

    @Test
    void shouldKeepPerKeyOrderWhenSentByKeyAndConsumedOrderly()
    {
        cluster.createTopic("ordered", QUEUES_PER_BROKER);
        final ClientProcess c1 = cluster.consumer("ord-c1", "ordered", "g-ord", "--orderly");
        final ClientProcess c2 = cluster.consumer("ord-c2", "ordered", "g-ord", "--orderly");
        c1.awaitReady();
        c2.awaitReady();
        awaitAssigned(QUEUES / 2, c1, c2);
        final ClientProcess producer = cluster.producer("ord-p1", "ordered", "--count", "240", "--keys", "8");

        producer.awaitDone(WAIT);
        awaitReceived(List.of(c1, c2), 240);
        final Map<String, Long> counts1 = c1.stop();
        final Map<String, Long> counts2 = c2.stop();

        final AccountingReport report = Journals.report("ordered", List.of(producer.journal(), c1.journal(),
            c2.journal()));
        report.assertExactlyOnceInOrder();
        assertEquals(240, report.acknowledged(), report::toString);
        assertEquals(0, counts1.get("overlaps") + counts2.get("overlaps"),
            () -> "listener calls overlapping on one queue: " + counts1 + " / " + counts2);
    }

    @Test
    void shouldDeliverOnlyTheSubscribedTagsWhenSubscribedToAOrB()
    {
        cluster.createTopic("tags", QUEUES_PER_BROKER);
        // a pull that found only filtered messages is held at the queue's end; it answers (and the committed
        // offset moves past them) when the long poll ends: 1 s here instead of 15
        final ClientProcess consumer = cluster.consumer("tag-c1", "tags", "g-tags", "--tags", "A || B",
            "--commit-ms", "100", "--long-poll-ms", "1000").awaitReady();
        awaitAssigned(QUEUES, consumer);
        final ClientProcess producer = cluster.producer("tag-p1", "tags", "--count", "150", "--tags", "A,B,C");

        producer.awaitDone(WAIT);
        awaitReceived(List.of(consumer), 100);
        // filtered messages move the committed offset too: at lag 0 the consumer has passed every C message
        Await.until(WAIT, () -> cluster.admin().progress("g-tags").lag("tags") == 0,
            () -> "lag of g-tags: " + cluster.admin().progress("g-tags"));
        consumer.stop();

        final List<Path> journals = List.of(producer.journal(), consumer.journal());
        final AccountingReport report = Journals.report("tags A || B", journals, stream -> !stream.endsWith("-C"));
        report.assertNoLoss();
        assertEquals(100, report.acknowledged(), report::toString);
        assertEquals(0, report.duplicated(), report::toString);
        assertEquals(0, Journals.receipts(journals, stream -> stream.endsWith("-C")), "C messages received");
    }

    @Test
    void shouldRedeliverThroughTheRetryTopicWhenTheListenerFailsAMessageOnce()
    {
        cluster.createTopic("retry", QUEUES_PER_BROKER);
        final ClientProcess consumer = cluster.consumer("rt-c1", "retry", "g-retry", "--fail-every", "10")
            .awaitReady();
        awaitAssigned(QUEUES, consumer);
        final ClientProcess producer = cluster.producer("rt-p1", "retry", "--count", "100");

        producer.awaitDone(WAIT);
        consumer.awaitProgress(counts -> counts.get("received") >= 100 && counts.get("redelivered") >= 10, WAIT,
            "every message, 10 of them redelivered");
        final Map<String, Long> counts = consumer.stop();

        final AccountingReport report = Journals.report("retry", List.of(producer.journal(), consumer.journal()));
        report.assertNoLoss();
        assertEquals(100, report.acknowledged(), report::toString);
        assertEquals(0, report.duplicated(), report::toString);
        assertEquals(10, counts.get("failedOnPurpose"), counts::toString);
        assertEquals(10, counts.get("redelivered"), counts::toString);
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

package io.rocklet.cluster;

import io.rocklet.testkit.AccountingReport;
import io.rocklet.transport.grpc.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routers are independent (each holds the whole table): with one of two killed by SIGKILL, the brokers keep
 * registering with the other (a topic created afterwards is routed by it), and clients - running ones, and one started afterwards with the dead router still in
 * its list - get their routes from the other, send and consume on; no acknowledged message is lost.
 */
@Timeout(120)
class RouterLossTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "router-loss";

    @TempDir
    Path directory;

    @Test
    void shouldKeepSendingAndConsumingThroughTheOtherRouterWhenARouterIsKilled()
    {
        try (MultiJvmCluster cluster = MultiJvmCluster.start(directory))
        {
            cluster.createTopic(TOPIC, 4);
            // routes refreshed every second, so that the running clients ask a router soon after the kill
            final ClientProcess c1 = cluster.consumer("rl-c1", TOPIC, "g-rl", "--route-refresh-ms", "1000");
            final ClientProcess producer = cluster.producer("rl-p1", TOPIC, "--rate", "50", "--route-refresh-ms",
                "1000");
            c1.awaitReady();
            producer.awaitReady();
            producer.awaitProgress(counts -> counts.get("ok") >= 50, WAIT, "50 sends");
            c1.awaitProgress(counts -> counts.get("received") >= 50, WAIT, "50 receipts");

            // kill the router the producer asks: it must fail over to the other
            final long usedPort = producer.progress("router");
            final ServerProcess dead = cluster.router(0).hostAndPort().endsWith(":" + usedPort) ? cluster.router(0) :
                cluster.router(1);
            final ServerProcess survivor = dead == cluster.router(0) ? cluster.router(1) : cluster.router(0);
            dead.kill9();
            final long okAtKill = producer.progress("ok");
            final long receivedAtKill = c1.progress("received");

            producer.awaitProgress(counts -> counts.get("ok") >= okAtKill + 100 &&
                !counts.get("router").equals(usedPort), WAIT, "100 sends after the kill, through the other router");
            c1.awaitProgress(counts -> counts.get("received") >= receivedAtKill + 100, WAIT,
                "100 receipts after the kill");
            // a consumer started now, with the dead router in its list, joins the group
            final ClientProcess c2 = cluster.consumer("rl-c2", TOPIC, "g-rl").awaitReady();
            Await.until(WAIT, () -> c1.progress("assigned") == 4 && c2.progress("assigned") == 4,
                () -> "queues shared: " + c1.progress() + " / " + c2.progress());
            final long okBeforeStop = producer.progress("ok");
            c2.awaitProgress(counts -> counts.get("received") >= 20, WAIT, "20 receipts by the new member");
            // the brokers still register with the surviving router: a topic created now is routed by it
            cluster.awaitRegistered(List.of(survivor));
            cluster.createTopic("router-loss-after", 2);

            final Map<String, Long> sent = producer.stop();
            Journals.awaitNoLoss(List.of(producer.journal(), c1.journal(), c2.journal()), WAIT);
            c1.stop();
            c2.stop();

            final AccountingReport report = Journals.report("router loss", List.of(producer.journal(),
                c1.journal(), c2.journal()));
            report.assertNoLoss();
            assertEquals(0, report.failed() + report.unknown(), () -> "every send acknowledged: " + report);
            assertTrue(sent.get("ok") > okBeforeStop, () -> "sends went on: " + sent);
            assertNotEquals(usedPort, sent.get("router"), "the producer asks the surviving router");
            System.out.println("ROUTER LOSS: killed " + dead.name() + ", sent after the kill " +
                (sent.get("ok") - okAtKill) + ", duplicated (rebalance when rl-c2 joined) " + report.duplicated());
        }
    }
}

package io.rocklet.cluster;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.client.RockletClients;
import io.rocklet.testkit.AccountingReport;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rocklet.cluster.ReplicaCluster.master;
import static io.rocklet.cluster.ReplicaCluster.members;
import static io.rocklet.cluster.ReplicaCluster.track;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ASYNC replication's loss window, across JVMs: two broker JVMs under a controller JVM, ASYNC replication with an
 * in-sync gap of 256 KiB; a producer JVM sends 500 messages a second, booking every outcome, a consumer JVM receives.
 * The slave is frozen (SIGSTOP, as a long pause would) while the master acknowledges about 100 more messages on its
 * own, then the master is killed with SIGKILL and the slave resumed: the controller elects it (it is in sync: within
 * the gap). The acknowledged messages lost are those the old master had and the slave had not; the old master,
 * restarted, rejoins as a slave and reports the tail it truncated (bytes and messages, in its log and in the
 * admin's cluster status): the loss is within that tail, and the tail within the in-sync gap.
 */
@Timeout(240)
class AsyncLossWindowTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "async-window";
    private static final long GAP_BYTES = 256 * 1024;
    private static final Pattern TRUNCATED = Pattern.compile("truncatedBytes=(\\d+), truncatedMessages=(\\d+)");

    @TempDir
    Path directory;

    @Test
    void shouldLoseNoMoreThanTheTruncatedTailWithinTheInSyncGapWhenAnAsyncMasterIsKilled()
    {
        final List<ServerProcess> servers = new ArrayList<>();
        final List<ClientProcess> clients = new ArrayList<>();
        try (GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
            .executorThreads(2).build()))
        {
            final ServerProcess router = track(servers, ServerProcess.router("router-1", directory));
            final ServerProcess controller = track(servers, ServerProcess.controller("c1",
                ReplicaCluster.freePort(), directory.resolve("c1-data"), directory, "--heartbeat-timeout", "2s"));
            router.awaitReady();
            controller.awaitReady();
            final List<ServerProcess> replicas = new ArrayList<>();
            for (int id = 1; id <= 2; id++)
            {
                replicas.add(track(servers, ServerProcess.replica("al-" + id, ReplicaCluster.SET, id,
                    router.hostAndPort(), controller.hostAndPort(), directory.resolve("al-" + id + "-data"),
                    directory, "--replication", "async", "--max-gap-not-in-sync", "256k",
                    "--controller-heartbeat-interval", "500ms", "--controller-lease", "1500ms")));
            }
            replicas.forEach(ServerProcess::awaitReady);
            final RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address())
                .build(), transport);
            final Admin admin = client.admin();
            Await.until(WAIT, () -> members(admin).size() == 2 && master(admin).isPresent(),
                () -> "two replicas registered, one master: " + members(admin));
            Await.until(WAIT, () -> ReplicaCluster.tryCreate(admin, TOPIC, 4), () -> "topic created on the master");

            final ClientProcess consumer = track(clients, ClientProcess.consumer("al-consumer", router.hostAndPort(),
                TOPIC, "g-al", directory, "--commit-ms", "200"));
            final ClientProcess producer = track(clients, ClientProcess.producer("al-producer", router.hostAndPort(),
                TOPIC, directory, "--rate", "500"));
            List.of(consumer, producer).forEach(ClientProcess::awaitReady);
            producer.awaitProgress(counts -> counts.getOrDefault("ok", 0L) >= 500, WAIT, "500 sends");

            final String masterAddress = master(admin).orElseThrow().address();
            final ServerProcess oldMaster = replicas.stream().filter(r -> r.address().equals(masterAddress))
                .findFirst().orElseThrow();
            final ServerProcess slave = replicas.stream().filter(r -> r != oldMaster).findFirst().orElseThrow();
            slave.pause();
            final long okAtPause = producer.progress("ok");
            producer.awaitProgress(counts -> counts.get("ok") >= okAtPause + 100, WAIT,
                "100 sends the master acknowledged alone");
            oldMaster.kill9();
            slave.resume();
            final long okAtKill = producer.progress("ok");
            producer.awaitProgress(counts -> counts.get("ok") >= okAtKill + 300, WAIT,
                "300 sends after the master's kill");
            assertNotEquals(masterAddress, master(admin).orElseThrow().address(), "the slave was promoted");

            oldMaster.restart();
            final Matcher truncated = TRUNCATED.matcher(oldMaster.awaitLogLine(line -> line.contains(
                "truncated the tail"), WAIT, "the old master's truncation report"));
            assertTrue(truncated.find(), "truncation line");
            final long truncatedBytes = Long.parseLong(truncated.group(1));
            final long truncatedMessages = Long.parseLong(truncated.group(2));
            Await.until(WAIT, () -> members(admin).stream().anyMatch(b -> b.address().equals(masterAddress) &&
                b.truncatedBytes() == truncatedBytes && b.truncatedMessages() == truncatedMessages),
                () -> "the old master's truncation in the cluster status: " + members(admin));
            producer.stop();
            Journals.awaitLostAtMost(List.of(producer.journal(), consumer.journal()), truncatedMessages, WAIT);
            consumer.stop();

            final AccountingReport report = Journals.report("async loss window", List.of(producer.journal(),
                consumer.journal()));
            System.out.println("ASYNC LOSS WINDOW: lostAcknowledged=" + report.lost() + ", truncatedMessages=" +
                truncatedMessages + ", truncatedBytes=" + truncatedBytes + ", maxGapNotInSyncBytes=" + GAP_BYTES);
            assertTrue(report.lost() > 0, "the master acknowledged alone, the slave lacked it: " + report);
            assertTrue(report.lost() <= truncatedMessages, "lost beyond the truncated tail: " + report);
            assertTrue(truncatedBytes > 0 && truncatedBytes <= GAP_BYTES, "tail within the in-sync gap: bytes=" +
                truncatedBytes);
            client.close();
        }
        finally
        {
            clients.forEach(ClientProcess::close);
            servers.forEach(ServerProcess::close);
        }
    }
}

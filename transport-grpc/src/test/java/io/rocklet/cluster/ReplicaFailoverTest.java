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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.rocklet.cluster.ReplicaCluster.freePort;
import static io.rocklet.cluster.ReplicaCluster.master;
import static io.rocklet.cluster.ReplicaCluster.members;
import static io.rocklet.cluster.ReplicaCluster.track;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica set of three broker JVMs under a failover controller JVM (RocketMQ 5 controller mode), SYNC replication
 * and SYNC flush: a producer JVM sends 100 messages a second, booking every outcome; the master is killed with
 * SIGKILL mid-stream; the controller promotes an in-sync slave, the producer goes on within seconds, and a consumer
 * JVM receives every acknowledged message; the old master restarts on its data directory, truncates to the new
 * epoch and rejoins as a slave.
 */
@Timeout(240)
class ReplicaFailoverTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "replicated";
    private static final long FAILOVER_BOUND_MS = 10_000;

    @TempDir
    Path directory;

    @Test
    void shouldPromoteAnInSyncSlaveAndLoseNoAcknowledgedMessageWhenTheMasterIsKilled() throws IOException
    {
        final List<ServerProcess> servers = new ArrayList<>();
        final List<ClientProcess> clients = new ArrayList<>();
        try (GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
            .executorThreads(2).build()))
        {
            final ServerProcess router = track(servers, ServerProcess.router("router-1", directory)).awaitReady();
            final ServerProcess controller = track(servers, ServerProcess.controller("c1", freePort(),
                directory.resolve("c1-data"), directory, "--heartbeat-timeout", "2s")).awaitReady();
            final List<ServerProcess> replicas = new ArrayList<>();
            for (int id = 1; id <= 3; id++)
            {
                replicas.add(track(servers, ServerProcess.replica("rs-" + id, "rs", id, router.hostAndPort(),
                    controller.hostAndPort(), directory.resolve("rs-" + id + "-data"), directory, "--replication",
                    "sync", "--controller-heartbeat-interval", "500ms", "--controller-lease", "1500ms")));
            }
            replicas.forEach(ServerProcess::awaitReady);
            final RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address())
                .build(), transport);
            final Admin admin = client.admin();
            Await.until(WAIT, () -> members(admin).size() == 3 && master(admin).isPresent(),
                () -> "three replicas registered, one master: " + members(admin));
            Await.until(WAIT, () -> ReplicaCluster.tryCreate(admin, TOPIC, 4), () -> "topic created on the master");

            final ClientProcess consumer = track(clients, ClientProcess.consumer("rf-consumer", router.hostAndPort(),
                TOPIC, "g-rf", directory, "--commit-ms", "200"));
            final Path timeline = directory.resolve("rf-producer.timeline");
            final ClientProcess producer = track(clients, ClientProcess.producer("rf-producer", router.hostAndPort(),
                TOPIC, directory, "--rate", "100", "--timeline", timeline.toString()));
            List.of(consumer, producer).forEach(ClientProcess::awaitReady);
            producer.awaitProgress(counts -> counts.getOrDefault("ok", 0L) >= 300, WAIT, "300 sends");

            final String masterAddress = master(admin).orElseThrow().address();
            final ServerProcess master = replicas.stream().filter(r -> r.address().equals(masterAddress)).findFirst()
                .orElseThrow();
            final long okAtKill = producer.progress("ok");
            final long killedAtMs = System.currentTimeMillis();
            master.kill9();
            final long goneAtMs = System.currentTimeMillis();
            producer.awaitProgress(counts -> counts.get("ok") >= okAtKill + 200, WAIT, "200 sends after the kill");
            final String newMaster = master(admin).orElseThrow().address();

            master.restart(); // fenced until the controller names the master: it rejoins as a slave
            Await.until(WAIT, () -> members(admin).stream().anyMatch(b -> b.address().equals(masterAddress) &&
                b.brokerId() != 0), () -> "the old master rejoined as a slave: " + members(admin));
            producer.stop();
            Journals.awaitNoLoss(List.of(producer.journal(), consumer.journal()), WAIT);
            consumer.stop();

            final AccountingReport report = Journals.report("replica failover", List.of(producer.journal(),
                consumer.journal()));
            final List<String> sends = Files.readAllLines(timeline);
            final Failover failover = Failover.measure(sends, killedAtMs, goneAtMs, 0);
            final long failedBefore = sends.stream().map(line -> line.split(" "))
                .filter(f -> !f[3].equals("OK") && Long.parseLong(f[1]) < killedAtMs).count();
            System.out.println("FAILOVER replica set: killed=" + masterAddress + ", newMaster=" + newMaster + ", " +
                failover + ", failedBeforeKill=" + failedBefore);
            report.assertNoLoss();
            assertTrue(failover.firstOkAfterKillMs() < FAILOVER_BOUND_MS, failover::toString);
            assertEquals(newMaster, master(admin).orElseThrow().address(), "the promoted slave stays master");
            client.close();
        }
        finally
        {
            clients.forEach(ClientProcess::close);
            servers.forEach(ServerProcess::close);
        }
    }
}

package io.rocklet.cluster;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.ControllerClient;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.rocklet.cluster.ReplicaCluster.master;
import static io.rocklet.cluster.ReplicaCluster.members;
import static io.rocklet.cluster.ReplicaCluster.track;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A replica set of two broker JVMs (SYNC replication and flush, one in-sync replica required) under three controller
 * JVMs; a producer JVM sends 100 messages a second, a consumer JVM receives. (a) The controllers' Raft leader is
 * killed with SIGKILL: traffic goes on, and a later SIGKILL of the master still fails over to the slave (no
 * acknowledged message lost; the old master restarts and rejoins as a slave). (b) A second controller is killed: the
 * survivor answers NO_QUORUM (no election can happen), and produce/consume traffic to the current master goes on
 * without a single failed send: the master keeps its lease on the survivor's "no leader" answers.
 */
@Timeout(240)
class ControllerLossTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "controlled";
    /** The controllers' heartbeat timeout; the brokers' lease (4 s) outlasts a Raft leader change, ends before it. */
    private static final String[] CONTROLLER_OPTIONS = {"--heartbeat-timeout", "5s"};
    private static final String[] REPLICA_OPTIONS = {"--replication", "sync", "--min-in-sync", "1",
        "--controller-lease", "4s", "--controller-heartbeat-interval", "300ms"};

    @TempDir
    Path directory;

    @Test
    void shouldKeepTrafficAndFailoverWhenOneControllerDiesAndKeepTrafficWhenTwoDie() throws IOException
    {
        final List<ServerProcess> servers = new ArrayList<>();
        final List<ClientProcess> clients = new ArrayList<>();
        try (GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
            .executorThreads(2).build()))
        {
            final ServerProcess router = track(servers, ServerProcess.router("router-1", directory));
            final StringBuilder peers = new StringBuilder();
            for (int i = 1; i <= 3; i++)
            {
                peers.append(i == 1 ? "" : ",").append("c").append(i).append("=127.0.0.1:")
                    .append(ReplicaCluster.freePort());
            }
            final List<ServerProcess> controllers = new ArrayList<>();
            for (int i = 1; i <= 3; i++)
            {
                controllers.add(track(servers, ServerProcess.controller("c" + i, peers.toString(),
                    directory.resolve("c" + i + "-data"), directory, CONTROLLER_OPTIONS)));
            }
            router.awaitReady();
            controllers.forEach(ServerProcess::awaitReady);
            final String controllerList = String.join(",", controllers.stream().map(ServerProcess::hostAndPort)
                .toList());
            final List<ServerProcess> replicas = new ArrayList<>();
            for (int id = 1; id <= 2; id++)
            {
                replicas.add(track(servers, ServerProcess.replica("cl-" + id, ReplicaCluster.SET, id,
                    router.hostAndPort(), controllerList, directory.resolve("cl-" + id + "-data"), directory,
                    REPLICA_OPTIONS)));
            }
            replicas.forEach(ServerProcess::awaitReady);
            final RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address())
                .build(), transport);
            final Admin admin = client.admin();
            Await.until(WAIT, () -> members(admin).size() == 2 && master(admin).isPresent(),
                () -> "two replicas registered, one master: " + members(admin));
            Await.until(WAIT, () -> ReplicaCluster.tryCreate(admin, TOPIC, 4), () -> "topic created on the master");

            final ClientProcess consumer = track(clients, ClientProcess.consumer("cl-consumer", router.hostAndPort(),
                TOPIC, "g-cl", directory, "--commit-ms", "200"));
            final Path timeline = directory.resolve("cl-producer.timeline");
            final ClientProcess producer = track(clients, ClientProcess.producer("cl-producer", router.hostAndPort(),
                TOPIC, directory, "--rate", "100", "--timeline", timeline.toString()));
            List.of(consumer, producer).forEach(ClientProcess::awaitReady);
            producer.awaitProgress(counts -> counts.getOrDefault("ok", 0L) >= 200, WAIT, "200 sends");

            // (a) the Raft leader dies: traffic goes on, and a master kill still fails over
            final ControllerClient controllerClient = ControllerClient.create(transport, controllers.stream()
                .map(ServerProcess::address).toList());
            final ServerProcess leader = leader(controllerClient, controllers);
            leader.kill9();
            final long okAfterLeaderKill = producer.progress("ok");
            producer.awaitProgress(counts -> counts.get("ok") >= okAfterLeaderKill + 200, WAIT,
                "200 sends after the controller leader's kill");
            final String masterAddress = master(admin).orElseThrow().address();
            final ServerProcess oldMaster = replicas.stream().filter(r -> r.address().equals(masterAddress))
                .findFirst().orElseThrow();
            final long okAtMasterKill = producer.progress("ok");
            oldMaster.kill9();
            producer.awaitProgress(counts -> counts.get("ok") >= okAtMasterKill + 200, WAIT,
                "200 sends after the master's kill");
            final String newMaster = master(admin).orElseThrow().address();
            assertNotEquals(masterAddress, newMaster, "the slave was promoted");
            oldMaster.restart();
            Await.until(WAIT, () -> members(admin).stream().anyMatch(b -> b.address().equals(masterAddress) &&
                b.brokerId() != 0), () -> "the old master rejoined as a slave: " + members(admin));

            // (b) a second controller dies (the leader again: the survivor is a follower): no quorum, traffic goes on
            final List<ServerProcess> alive = controllers.stream().filter(ServerProcess::alive).toList();
            final ServerProcess secondLeader = leader(controllerClient, alive);
            final ServerProcess survivor = alive.stream().filter(c -> c != secondLeader).findFirst().orElseThrow();
            final long okBeforeQuorumLoss = producer.progress("ok");
            final long quorumLostAtMs = System.currentTimeMillis();
            secondLeader.kill9();
            producer.awaitProgress(counts -> counts.get("ok") >= okBeforeQuorumLoss + 600, WAIT,
                "600 sends after the quorum's loss (longer than the lease at 100 a second)");
            final RockletException noQuorum = noQuorum(transport, survivor);
            producer.stop();
            Journals.awaitNoLoss(List.of(producer.journal(), consumer.journal()), WAIT);
            consumer.stop();

            final AccountingReport report = Journals.report("controller loss", List.of(producer.journal(),
                consumer.journal()));
            final List<String> failedAfterQuorumLoss = Files.readAllLines(timeline).stream()
                .filter(line -> Long.parseLong(line.split(" ")[1]) >= quorumLostAtMs &&
                    !line.split(" ")[3].equals("OK")).toList();
            System.out.println("CONTROLLER LOSS: controllerLeader=" + leader.name() + ", killedMaster=" +
                masterAddress + ", newMaster=" + newMaster + ", secondLeader=" + secondLeader.name() + ", survivor=" +
                survivor.name() + ", failedSendsAfterQuorumLoss=" + failedAfterQuorumLoss.size() + ", survivor " +
                "answers: " + noQuorum.getMessage());
            report.assertNoLoss();
            assertEquals(List.of(), failedAfterQuorumLoss, "sends failed after two controllers died");
            assertEquals(newMaster, master(admin).orElseThrow().address(), "no election without a quorum");
            client.close();
        }
        finally
        {
            clients.forEach(ClientProcess::close);
            servers.forEach(ServerProcess::close);
        }
    }

    /** The controllers' Raft leader: the one a call succeeded on. */
    private static ServerProcess leader(final ControllerClient client, final List<ServerProcess> controllers)
    {
        Await.until(WAIT, () -> answers(client), () -> "a controller leader answering");
        final String address = client.preferredAddress();
        return controllers.stream().filter(c -> c.address().equals(address)).findFirst().orElseThrow();
    }

    private static boolean answers(final ControllerClient client)
    {
        try
        {
            client.replicaSet(ReplicaCluster.SET).get(20, TimeUnit.SECONDS);
            return true;
        }
        catch (final Exception e)
        {
            return false;
        }
    }

    /** The survivor, asked directly, answers that it knows no leader. */
    private static RockletException noQuorum(final GrpcTransport transport, final ServerProcess survivor)
    {
        final ExecutionException refused = assertThrows(ExecutionException.class, () -> transport
            .controller(survivor.address()).replicaSet(ReplicaCluster.SET).get(20, TimeUnit.SECONDS));
        final RockletException error = assertInstanceOf(RockletException.class, refused.getCause());
        assertEquals(ErrorCode.NO_QUORUM, error.errorCode(), error.getMessage());
        return error;
    }
}

package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.broker.Broker;
import io.rocklet.broker.replication.ReplicationConfig;
import io.rocklet.broker.replication.ReplicationMode;
import io.rocklet.controller.Controller;
import io.rocklet.controller.ControllerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SYNC replica set of two under three failover controllers (in one JVM, local transport): when the slave falls out
 * of sync, the master reports the smaller sync state set, and until the controllers confirm it a send is not
 * acknowledged on the master alone (the controllers could still elect the dropped slave, which lacks it). Losing two of
 * the three controllers leaves the shrink unconfirmed; the master keeps its lease (the third controller answers "no
 * leader") and keeps refusing; with the controllers whole, the shrink is confirmed and the master alone acknowledges.
 */
@Timeout(120)
class SyncStateShrinkTest
{
    private static final String TOPIC = "shrink";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * Above a Raft leader change (1 to 2 s) plus the client's rounds, with room for a loaded machine (3 s ran out
     * once with a build running beside): the survivor's NO_QUORUM renews it; below the 10 s heartbeat timeout.
     */
    private static final Duration LEASE = Duration.ofSeconds(5);

    @TempDir
    Path directory;
    private ReplicaSet set;
    private final List<Controller> controllers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();

    @AfterEach
    void close()
    {
        controllers.forEach(Controller::close);
        if (set != null)
        {
            set.close();
        }
    }

    @Test
    void shouldNotAcknowledgeOnTheMasterAloneWhenTheControllersHaveNotConfirmedTheShrink() throws Exception
    {
        final Broker master = startPair();
        final Controller leader = leader();
        // the leader and one follower: the survivor, a follower, soon knows no leader and answers NO_QUORUM
        leader.close();
        controllers.stream().filter(c -> c != leader).findFirst().orElseThrow().close();
        final long closedNs = System.nanoTime();
        set.stop("b");
        Await.until(WAIT, () -> master.replicationStatus().inSyncReplicas() == 1, () -> "b out of sync on the " +
            "master: " + master.replicationStatus());

        // over twice the lease: every send refused as short of replicas, none acknowledged, the master never fenced
        int refusals = 0;
        while (System.nanoTime() - closedNs < 2 * LEASE.toNanos())
        {
            final ExecutionException refused = assertThrows(ExecutionException.class,
                () -> ReplicaSet.send(master, TOPIC, 0, "after-shrink"), "acknowledged on the master alone");
            final RockletException error = assertInstanceOf(RockletException.class, refused.getCause());
            assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, error.errorCode(), error.getMessage());
            refusals++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // pace the sends, not a wait
        }
        assertTrue(master.replicationStatus().master(), "the master keeps its lease: " + master.replicationStatus());
        System.out.println("unconfirmed shrink: refusals=" + refusals + ", status=" + master.replicationStatus());
    }

    @Test
    void shouldAcknowledgeOnTheMasterAloneOnceTheControllersConfirmedTheShrink() throws Exception
    {
        final Broker master = startPair();
        set.stop("b");
        Await.until(WAIT, () -> leader().localState("rs").syncStateSet().equals(Set.of(1L)),
            () -> "the controllers confirmed the shrink: " + leader().localState("rs"));
        Await.until(WAIT, () -> sends(master), () -> "a send acknowledged by the master alone: " +
            master.replicationStatus());
    }

    /** Master a (replica 1) and slave b (replica 2) in sync, both in the controllers' sync state set. */
    private Broker startPair() throws Exception
    {
        set = new ReplicaSet(directory.resolve("brokers"));
        startControllers();
        final Broker a = start("a", 1);
        Await.until(WAIT, () -> a.replicationStatus().master(), () -> "a named master: " + a.replicationStatus());
        final Broker b = start("b", 2);
        Await.until(WAIT, () -> a.replicationStatus().inSyncReplicas() == 2 && leader() != null &&
            leader().localState("rs").syncStateSet().equals(Set.of(1L, 2L)), () -> "b in sync, confirmed: " +
            a.replicationStatus());
        a.createOrUpdateTopic(TopicConfig.of(TOPIC, 1)).get(10, TimeUnit.SECONDS);
        ReplicaSet.send(a, TOPIC, 0, "before-shrink");
        ReplicaSet.awaitCaughtUp(a, b);
        return a;
    }

    private Broker start(final String name, final long replicaId)
    {
        final UnaryOperator<ReplicationConfig.Builder> replication = r -> r.mode(ReplicationMode.SYNC)
            .minInSyncReplicas(1).controllers(addresses).controllerHeartbeatInterval(Duration.ofMillis(100))
            .controllerLease(LEASE).maxSilenceNotInSync(Duration.ofMillis(500))
            .syncReplicationTimeout(Duration.ofSeconds(2));
        return set.start(name, replicaId, replication, b -> b.registerInterval(Duration.ofMillis(500)));
    }

    private static boolean sends(final Broker master)
    {
        try
        {
            ReplicaSet.send(master, TOPIC, 0, "confirmed-" + System.nanoTime());
            return true;
        }
        catch (final Exception e)
        {
            return false;
        }
    }

    private Controller leader()
    {
        return controllers.stream().filter(Controller::isLeader).findFirst().orElse(null);
    }

    private void startControllers() throws IOException
    {
        final Map<String, String> peers = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++)
        {
            peers.put("c" + i, "127.0.0.1:" + freePort());
            addresses.add("local://shrink-controller-" + i);
        }
        for (int i = 0; i < 3; i++)
        {
            controllers.add(Controller.start(ControllerConfig.builder("c" + i).peers(peers)
                .dataDirectory(directory.resolve("c" + i)).serviceAddress(addresses.get(i))
                .heartbeatTimeout(Duration.ofSeconds(10)).raftElectionTimeout(Duration.ofMillis(1000))
                .checkInterval(Duration.ofMillis(100)).build(), set.transport));
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}

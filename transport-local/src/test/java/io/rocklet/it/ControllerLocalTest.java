package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.NotLeaderException;
import io.rocklet.api.spi.ControllerClient;
import io.rocklet.api.spi.ControllerService.ReplicaHeartbeat;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.ControllerService.SyncStateSetChange;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.controller.Controller;
import io.rocklet.controller.ControllerConfig;
import io.rocklet.transport.local.LocalTransport;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three controllers served on the local transport (their Raft on loopback), reached through a
 * {@link ControllerClient}: a follower names the leader, and the client follows the leader through its loss.
 */
@Timeout(60)
class ControllerLocalTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Rounds over the controllers before a client call gives up: a re-election under load takes seconds. */
    private static final int ROUNDS = 100;

    @TempDir
    Path directory;
    private final LocalTransport transport = new LocalTransport();
    private final List<Controller> controllers = new ArrayList<>();

    @AfterEach
    void close()
    {
        controllers.forEach(Controller::close);
        transport.close();
    }

    @Test
    void shouldNameLeaderOnFollowerAndFollowItThroughLeaderLossWhenCalledThroughClient() throws Exception
    {
        final List<String> addresses = startControllers(builder -> builder);
        awaitLeader(); // the first election: seconds on a busy machine
        final ControllerClient client = new ControllerClient(transport, addresses, ROUNDS, Duration.ofMillis(200));
        final BrokerIdentity replica = new BrokerIdentity("cluster-1", "broker-a", 0, "local://broker-a-0");

        final ReplicaSetState registered = client.registerReplica(replica).get(20, TimeUnit.SECONDS);
        final Controller leader = awaitLeader();
        final String leaderAddress = leader.serviceAddress();
        final Controller follower = controllers.stream().filter(c -> c != leader).findFirst().orElseThrow();
        Await.until(WAIT, () -> hint(follower).equals(leaderAddress), () -> "the follower naming the leader");

        leader.close();
        final ReplicaSetState afterLoss = client.heartbeat(new ReplicaHeartbeat(replica, 1, 0))
            .get(20, TimeUnit.SECONDS);

        assertEquals(0, registered.masterBrokerId());
        assertEquals(1, registered.masterEpoch());
        assertEquals(registered, afterLoss, "the new leader answers with the same state");
        assertNotEquals(leaderAddress, client.preferredAddress());
    }

    @Test
    void shouldPromoteInSyncSlaveWhenMasterStopsHeartbeatingOnControllerThreads() throws Exception
    {
        final List<String> addresses = startControllers(builder -> builder.heartbeatTimeout(Duration.ofSeconds(1)));
        awaitLeader();
        final ControllerClient client = new ControllerClient(transport, addresses, ROUNDS, Duration.ofMillis(200));
        final BrokerIdentity master = new BrokerIdentity("cluster-1", "broker-a", 0, "local://broker-a-0");
        final BrokerIdentity slave = new BrokerIdentity("cluster-1", "broker-a", 1, "local://broker-a-1");
        client.registerReplica(master).get(20, TimeUnit.SECONDS);
        client.registerReplica(slave).get(20, TimeUnit.SECONDS);
        client.alterSyncStateSet(new SyncStateSetChange("broker-a", 0, 1, Set.of(0L, 1L))).get(20, TimeUnit.SECONDS);
        final CountDownLatch promoted = new CountDownLatch(1);
        final ScheduledExecutorService slaveHeartbeats = Executors.newSingleThreadScheduledExecutor();
        try
        {
            final long masterSilentNs = System.nanoTime(); // the master heartbeats no more from here
            slaveHeartbeats.scheduleWithFixedDelay(() -> client.heartbeat(new ReplicaHeartbeat(slave, 1, 4_096))
                .thenAccept(state ->
                {
                    if (state.isMaster(1))
                    {
                        promoted.countDown();
                    }
                }), 0, 250, TimeUnit.MILLISECONDS);

            assertTrue(promoted.await(20, TimeUnit.SECONDS), "the slave promoted");
            final ReplicaSetState state = client.replicaSet("broker-a").get(20, TimeUnit.SECONDS);
            System.out.println("controller failover: ms=" +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - masterSilentNs) + ", heartbeatTimeoutMs=1000");
            assertEquals(2, state.masterEpoch());
            assertEquals("local://broker-a-1", state.masterAddress());
        }
        finally
        {
            slaveHeartbeats.shutdownNow();
        }
    }

    private List<String> startControllers(final UnaryOperator<ControllerConfig.Builder> customize) throws IOException
    {
        final Map<String, String> peers = new LinkedHashMap<>();
        final List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            peers.put("c" + i, "127.0.0.1:" + freePort());
            addresses.add("local://controller-" + i);
        }
        for (int i = 0; i < 3; i++)
        {
            controllers.add(Controller.start(customize.apply(ControllerConfig.builder("c" + i).peers(peers)
                .dataDirectory(directory.resolve("c" + i)).serviceAddress(addresses.get(i))
                .raftElectionTimeout(Duration.ofMillis(1000)).checkInterval(Duration.ofMillis(100))).build(),
                transport));
        }
        return addresses;
    }

    private Controller awaitLeader()
    {
        final Controller[] leader = new Controller[1];
        Await.until(WAIT, () -> (leader[0] = controllers.stream().filter(Controller::isLeader).findFirst()
            .orElse(null)) != null, () -> "a controller leader");
        return leader[0];
    }

    /** The leader address a follower names in its NOT_LEADER answer. */
    private String hint(final Controller follower)
    {
        try
        {
            transport.controller(follower.serviceAddress()).replicaSet("broker-a").get(20, TimeUnit.SECONDS);
            return "";
        }
        catch (final ExecutionException e)
        {
            final NotLeaderException notLeader = assertInstanceOf(NotLeaderException.class, e.getCause());
            assertEquals(ErrorCode.NOT_LEADER, notLeader.errorCode());
            return notLeader.leaderAddress();
        }
        catch (final Exception e)
        {
            throw new AssertionError(e);
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

package io.rocklet.transport.grpc;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.NotLeaderException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.ControllerClient;
import io.rocklet.api.spi.ControllerService.ReplicaHeartbeat;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.ControllerService.SyncStateSetChange;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.controller.Controller;
import io.rocklet.controller.ControllerConfig;
import org.agrona.concurrent.CachedEpochClock;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Three controllers served over gRPC (plaintext, loopback, port 0) and reached through a {@link ControllerClient} on
 * a second transport: replicas register and heartbeat, the master falls silent (a manual clock) and a slave from the
 * sync state set is elected; a follower's NOT_LEADER names the leader across the wire; a stale report is refused.
 */
@Timeout(60)
class GrpcControllerTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SET = "broker-a";

    @TempDir
    Path directory;
    private final GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
    private final GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build());
    private final CachedEpochClock clock = new CachedEpochClock();
    private final List<Controller> controllers = new ArrayList<>();

    @AfterEach
    void stop()
    {
        controllers.forEach(Controller::close);
        client.close();
        server.close();
    }

    @Test
    void shouldElectInSyncSlaveAndRefuseStaleMasterWhenCalledOverGrpc() throws Exception
    {
        final List<String> addresses = startControllers();
        final ControllerClient controllerClient = ControllerClient.create(client, addresses);
        final BrokerIdentity master = replica(0);
        final BrokerIdentity slave = replica(1);
        answer(controllerClient.registerReplica(master));
        answer(controllerClient.registerReplica(slave));
        answer(controllerClient.alterSyncStateSet(new SyncStateSetChange(SET, 0, 1, Set.of(0L, 1L))));
        final Controller leader = leader();

        for (int second = 0; second < 4; second++)
        {
            clock.advance(1_000);
            answer(controllerClient.heartbeat(new ReplicaHeartbeat(slave, 1, 1_000)));
            controllers.forEach(Controller::doWork);
        }
        Await.until(WAIT, () -> leader.localState(SET).masterEpoch() == 2, () -> "the slave elected");
        final ReplicaSetState told = answer(controllerClient.heartbeat(new ReplicaHeartbeat(master, 1, 900)));
        final RockletException stale = Failures.failure(controllerClient.alterSyncStateSet(
            new SyncStateSetChange(SET, 0, 1, Set.of(0L, 1L))));

        assertEquals(1, told.masterBrokerId(), told.toString());
        assertEquals(2, told.masterEpoch());
        assertEquals(slave.address(), told.masterAddress());
        assertEquals(ErrorCode.STALE_EPOCH, stale.errorCode(), stale.getMessage());
        final Controller follower = controllers.stream().filter(c -> c != leader).findFirst().orElseThrow();
        Await.until(WAIT, () -> leader.serviceAddress().equals(assertInstanceOf(NotLeaderException.class,
            Failures.failure(client.controller(follower.serviceAddress()).replicaSet(SET))).leaderAddress()),
            () -> "the follower naming the leader over the wire (once it applied the leader's announcement)");
    }

    private List<String> startControllers() throws IOException
    {
        clock.update(1_000_000);
        final Map<String, String> peers = new LinkedHashMap<>();
        final List<GrpcBinding> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            peers.put("c" + i, "127.0.0.1:" + freePort());
            endpoints.add(server.listen("grpc://127.0.0.1:0"));
        }
        final List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final Controller controller = Controller.start(ControllerConfig.builder("c" + i).peers(peers)
                .dataDirectory(directory.resolve("c" + i)).serviceAddress(endpoints.get(i).address()).clock(clock)
                .threadingMode(ControllerConfig.ThreadingMode.INVOKER).raftElectionTimeout(Duration.ofMillis(300))
                .build(), server);
            controllers.add(controller);
            addresses.add(controller.serviceAddress());
        }
        leader();
        return addresses;
    }

    /** Waits for a leader that has announced its address (its agent ran). */
    private Controller leader()
    {
        final Controller[] leader = new Controller[1];
        Await.until(WAIT, () ->
        {
            controllers.forEach(Controller::doWork);
            leader[0] = controllers.stream().filter(Controller::isLeader).findFirst().orElse(null);
            return leader[0] != null;
        }, () -> "a controller leader");
        return leader[0];
    }

    private static BrokerIdentity replica(final long id)
    {
        return new BrokerIdentity("cluster-1", SET, id, "grpc://127.0.0.1:" + (20_000 + id));
    }

    private static <T> T answer(final CompletableFuture<T> future) throws Exception
    {
        return future.get(20, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}

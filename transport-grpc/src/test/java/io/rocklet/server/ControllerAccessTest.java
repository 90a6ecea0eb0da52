package io.rocklet.server;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.spi.ControllerClient;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaHeartbeat;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.auth.AclFile;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The controller role under {@code --auth}, in one JVM over gRPC: only cluster members may change the controllers'
 * state (a client identity is PERMISSION_DENIED with an audit line, a call without credentials UNAUTHENTICATED), and
 * a replica set whose brokers sign their controller calls with their member credentials fails over.
 */
@Timeout(120)
class ControllerAccessTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Credentials MEMBER = new Credentials("broker-a", "member-secret");
    private static final Credentials APP = new Credentials("app", "app-secret");
    private static final List<String> RULES = List.of(
        "user broker-a kind=member secret=member-secret",
        "user app kind=client secret=app-secret",
        "user ops kind=super secret=ops-secret",
        "allow app Pub,Sub,Get topic:orders,cluster");

    @TempDir
    Path directory;
    private Path rules;
    private final List<RockletServer> servers = new ArrayList<>();
    private RockletServer controller;
    private GrpcTransport client;

    @BeforeEach
    void start() throws IOException
    {
        rules = directory.resolve("rules.acl");
        AclFile.write(rules, AclFile.parse(RULES, "test"));
        controller = server("controller", "--controller-id", "c1", "--controller-peers", "c1=127.0.0.1:" +
            freePort(), "--data", directory.resolve("controller").toString(), "--heartbeat-timeout", "2s");
        client = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1).executorThreads(2)
            .build());
    }

    @AfterEach
    void stop()
    {
        client.close();
        for (int i = servers.size() - 1; i >= 0; i--)
        {
            servers.get(i).close();
        }
    }

    @Test
    void shouldRefuseControllerCallsOfClientIdentitiesAndServeMembers() throws Exception
    {
        final BrokerIdentity replica = new BrokerIdentity("DefaultCluster", "broker-x", 1, "grpc://127.0.0.1:1");
        final ControllerService asApp = client.controller(controller.address(), APP);
        final PrintStream original = System.err;
        final ByteArrayOutputStream logged = new ByteArrayOutputStream();
        final RockletException denied;
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try
        {
            denied = error(asApp.registerReplica(replica));
        }
        finally
        {
            System.setErr(original);
        }

        assertEquals(ErrorCode.PERMISSION_DENIED, denied.errorCode(), denied.getMessage());
        assertFalse(denied.retriable());
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("call denied: user=app, kind=CLIENT"),
            logged::toString);
        assertEquals(ErrorCode.PERMISSION_DENIED, error(asApp.heartbeat(new ReplicaHeartbeat(replica, 1, 0)))
            .errorCode());
        assertEquals(ErrorCode.PERMISSION_DENIED, error(asApp.electMaster("broker-x")).errorCode());
        assertEquals(ErrorCode.UNAUTHENTICATED, error(client.controller(controller.address())
            .registerReplica(replica)).errorCode());

        final ControllerService asMember = ControllerClient.create(client, List.of(controller.address()), MEMBER);
        Await.until(WAIT, () -> leads(asMember), () -> "the controller leads its raft group of one");
        final ReplicaSetState registered = asMember.registerReplica(replica).get(30, TimeUnit.SECONDS);
        assertEquals(1, registered.masterBrokerId());
        assertEquals(registered, ControllerClient.create(client, List.of(controller.address()), APP)
            .replicaSet("broker-x").get(30, TimeUnit.SECONDS), "Get on cluster reads the replica set");
        assertEquals(registered, asMember.replicaSet("broker-x").get(30, TimeUnit.SECONDS), "members read it too");
    }

    @Test
    void shouldFailOverWhenBrokersSignTheirControllerCallsAsMembers() throws Exception
    {
        final RockletServer router = server("router", "--port", "0");
        final String controllers = controller.address().substring("grpc://".length());
        final Map<Integer, RockletServer> replicas = new java.util.TreeMap<>();
        for (int id = 1; id <= 3; id++)
        {
            replicas.put(id, server("broker", "--name", "broker-a", "--id", String.valueOf(id), "--routers",
                router.address(), "--controllers", controllers, "--replication", "sync", "--min-in-sync", "2",
                "--data", directory.resolve("b" + id).toString(), "--segment-size", "8m"));
        }
        final ControllerClient asMember = ControllerClient.create(client, List.of(controller.address()), MEMBER);
        Await.until(WAIT, () -> state(asMember) != null && state(asMember).syncStateSet().size() == 3,
            () -> "replicas in sync: " + state(asMember));
        final long master = state(asMember).masterBrokerId();
        try (RockletClient ops = RockletClients.create(ClientConfig.builder().routers(router.address())
            .credentials(new Credentials("ops", "ops-secret")).build(), client))
        {
            ops.admin().createTopic(TopicConfig.of("orders", 2));
        }

        replicas.remove((int)master).close();

        Await.until(WAIT, () -> state(asMember) != null && state(asMember).masterBrokerId() != master &&
            state(asMember).masterBrokerId() >= 0, () -> "a new master elected: " + state(asMember));
        try (RockletClient app = RockletClients.create(ClientConfig.builder().routers(router.address())
            .routeRefreshInterval(Duration.ofMillis(200)).credentials(APP).build(), client);
             Producer producer = app.newProducer(ProducerConfig.builder("pg").build()))
        {
            Await.until(WAIT, () -> sent(producer), () -> "a send acknowledged by the new master");
        }
        assertTrue(state(asMember).masterEpoch() >= 2, () -> "a new epoch: " + state(asMember));
    }

    @Test
    void shouldTakeAuthAndWarnOfRaftPeersOffLoopbackWhenControllerOptionsAreRead()
    {
        final ServerSettings remote = ServerOptions.parse("controller", "--controller-id", "1", "--controller-peers",
            "1=10.1.2.3:9871,2=127.0.0.1:9872", "--data", directory.toString(), "--plaintext", "--auth",
            rules.toString());
        final ServerSettings local = ServerOptions.parse("controller", "--controller-id", "1", "--controller-peers",
            "1=127.0.0.1:9871", "--data", directory.toString(), "--plaintext", "--no-auth");

        assertTrue(remote.auth().enabled());
        assertEquals(rules, remote.auth().rulesFile());
        assertFalse(local.auth().enabled());
        assertTrue(RockletServer.warnOfOpenRaftPeers(remote));
        assertFalse(RockletServer.warnOfOpenRaftPeers(local));
    }

    private RockletServer server(final String role, final String... options)
    {
        final List<String> args = new ArrayList<>(List.of(role));
        args.addAll(List.of(options));
        if (!args.contains("--port"))
        {
            args.addAll(List.of("--port", "0"));
        }
        args.addAll(List.of("--host", "127.0.0.1", "--plaintext", "--auth", rules.toString()));
        final RockletServer server = RockletServer.start(ServerOptions.parse(args.toArray(String[]::new)));
        servers.add(server);
        return server;
    }

    private static ReplicaSetState state(final ControllerService controllers)
    {
        try
        {
            return controllers.replicaSet("broker-a").get(30, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            return null; // not registered yet, or no leader for a moment
        }
    }

    /**
     * @return true once the controller answers as leader (an unknown replica set is REPLICA_SET_NOT_FOUND, which only
     *     the leader says).
     */
    private static boolean leads(final ControllerService controllers)
    {
        try
        {
            controllers.replicaSet("no-such-set").get(30, TimeUnit.SECONDS);
            return true;
        }
        catch (final ExecutionException e)
        {
            return e.getCause() instanceof RockletException rocklet &&
                rocklet.errorCode() == ErrorCode.REPLICA_SET_NOT_FOUND;
        }
        catch (final Exception e)
        {
            return false;
        }
    }

    private static boolean sent(final Producer producer)
    {
        try
        {
            return producer.send(Message.builder("orders").body("after failover").build()).messageId() != null;
        }
        catch (final RockletException e)
        {
            return false;
        }
    }

    private static RockletException error(final CompletableFuture<?> call) throws Exception
    {
        try
        {
            call.get(30, TimeUnit.SECONDS);
            throw new AssertionError("the call succeeded");
        }
        catch (final ExecutionException e)
        {
            return (RockletException)e.getCause();
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

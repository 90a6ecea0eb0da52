package io.rocklet.server;

import io.rocklet.api.spi.ControllerClient;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.rocklet.server.JarProcess.SERVER_JAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code controller} role of {@code rocklet-server.jar} in a child JVM (a group of one: Apache Ratis and its
 * service files are in the jar): a replica registers over gRPC, the state survives a restart from {@code --data},
 * and SIGTERM stops it with status 0.
 */
@Timeout(180)
class ControllerJarIT
{
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(10);

    @Test
    void shouldKeepReplicaSetAcrossRestartWhenTheControllerRoleRunsFromTheJar(@TempDir final Path dir)
        throws Exception
    {
        final String[] args = {"controller", "--controller-id", "1", "--controller-peers", "1=127.0.0.1:" + freePort(),
            "--data", dir.resolve("data").toString(), "--port", String.valueOf(freePort()), "--plaintext",
            // the replica never heartbeats: with the default 3 s a slow restart let the leader replace its master
            "--heartbeat-timeout", "10m"};
        final BrokerIdentity replica = new BrokerIdentity("DefaultCluster", "broker-a", 0, "grpc://127.0.0.1:1");
        final ReplicaSetState registered;
        try (GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().build()))
        {
            try (JarProcess controller = JarProcess.start("controller", SERVER_JAR, dir.resolve("controller-1.log"),
                args))
            {
                final String address = controller.awaitReady(START);
                registered = client(transport, address).registerReplica(replica).get(30, TimeUnit.SECONDS);
                assertEquals(0, controller.terminate(STOP), () -> "controller exit status; log:\n" + controller.log());
                assertTrue(controller.log().contains("stopping: signal=SIGTERM, role=controller"), controller.log());
            }
            try (JarProcess restarted = JarProcess.start("controller", SERVER_JAR, dir.resolve("controller-2.log"),
                args))
            {
                final String address = restarted.awaitReady(START);
                final ReplicaSetState read = client(transport, address).replicaSet("broker-a").get(30,
                    TimeUnit.SECONDS);
                assertEquals(registered, read);
                assertEquals(0, restarted.terminate(STOP), () -> "exit status; log:\n" + restarted.log());
            }
        }
    }

    private static ControllerClient client(final GrpcTransport transport, final String address)
    {
        return new ControllerClient(transport, List.of(address), 40, Duration.ofMillis(250));
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}

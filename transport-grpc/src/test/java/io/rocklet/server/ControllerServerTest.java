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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server's controller role: three controllers on one machine (loopback ports), as the README's cluster section
 * starts them, answer a client that knows their addresses, also after one of them stopped.
 */
@Timeout(60)
class ControllerServerTest
{
    @TempDir
    Path directory;

    @Test
    void shouldServeReplicaSetsFromThreeControllerServersWhenOneStops() throws Exception
    {
        final int[] raftPorts = {freePort(), freePort(), freePort()};
        final String peers = "1=127.0.0.1:" + raftPorts[0] + ",2=127.0.0.1:" + raftPorts[1] + ",3=127.0.0.1:" +
            raftPorts[2];
        final List<RockletServer> servers = new ArrayList<>();
        try (GrpcTransport client = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().build()))
        {
            for (int id = 1; id <= 3; id++)
            {
                servers.add(RockletServer.start(ServerOptions.parse("controller", "--controller-id",
                    String.valueOf(id), "--controller-peers", peers, "--data", directory.resolve("c" + id).toString(),
                    "--port", "0", "--plaintext")));
            }
            final ControllerClient controllers = new ControllerClient(client,
                servers.stream().map(RockletServer::address).toList(), 40, java.time.Duration.ofMillis(250));
            final BrokerIdentity replica = new BrokerIdentity("DefaultCluster", "broker-a", 0, "grpc://127.0.0.1:1");

            final ReplicaSetState registered = controllers.registerReplica(replica).get(30, TimeUnit.SECONDS);
            final RockletServer leader = servers.stream().filter(s -> s.address().equals(
                controllers.preferredAddress())).findFirst().orElseThrow();
            servers.remove(leader);
            leader.close();
            final ReplicaSetState read = controllers.replicaSet("broker-a").get(30, TimeUnit.SECONDS);

            assertEquals(0, registered.masterBrokerId());
            assertEquals(registered, read, "the remaining two answer the same state");
        }
        finally
        {
            servers.forEach(RockletServer::close);
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

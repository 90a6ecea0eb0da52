package io.rocklet.router;

import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.controller.Controller;
import io.rocklet.controller.ControllerConfig;
import io.rocklet.testing.Await;
import io.rocklet.testing.TestTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A router that embeds a failover controller (a group of one): started and closed with the router.
 */
@Timeout(30)
class RouterControllerTest
{
    @TempDir
    Path directory;

    @Test
    void shouldRunEmbeddedControllerWhenConfiguredAndCloseItWithRouter() throws Exception
    {
        final ControllerConfig controllerConfig = ControllerConfig.builder("r1").peer("r1", "127.0.0.1:" + freePort())
            .dataDirectory(directory).raftElectionTimeout(Duration.ofMillis(200)).build();
        final Router router = Router.start(RouterConfig.builder("test://router-1").controller(controllerConfig)
            .build(), new TestTransport());
        final Controller controller = router.controller();
        Await.until(controller::isLeader, Duration.ofSeconds(20), "the single controller leading");

        final ReplicaSetState state = controller.service().registerReplica(
            new BrokerIdentity("c", "broker-a", 0, "test://broker-a")).get(20, TimeUnit.SECONDS);
        router.close();

        assertEquals(0, state.masterBrokerId());
        assertFalse(controller.isLeader(), "closed with the router");
        try (Router plain = Router.start(RouterConfig.builder("test://router-2").build(), new TestTransport()))
        {
            assertNull(plain.controller(), "no controller unless configured");
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

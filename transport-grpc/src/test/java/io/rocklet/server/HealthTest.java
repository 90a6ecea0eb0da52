package io.rocklet.server;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.rocklet.api.TopicConfig;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcBinding;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The standard gRPC health service on every server: a router is SERVING once started; a broker is NOT_SERVING
 * while it recovers and until a router accepted its registration, SERVING from then on.
 */
@Timeout(60)
class HealthTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    @Test
    void shouldAnswerNotServingUntilARouterAcceptedTheBrokerThenServing() throws Exception
    {
        try (GrpcTransport routerSide = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().build()))
        {
            // a server where the router will be, with no router on it yet: the broker's registration fails
            final GrpcBinding routerEndpoint = routerSide.listen("grpc://127.0.0.1:0");
            try (RockletServer broker = RockletServer.start(ServerOptions.parse("broker", "--name", "broker-h",
                "--routers", routerEndpoint.address(), "--data", data.toString(), "--port", "0", "--segment-size",
                "8m", "--plaintext", "--no-auth")))
            {
                assertEquals(ServingStatus.NOT_SERVING, health(broker.address(), ""));
                assertEquals(ServingStatus.NOT_SERVING, health(broker.address(), "rocklet.v1.Broker"));

                try (Router router = Router.start(RouterConfig.builder(routerEndpoint.address()).build(), routerSide))
                {
                    // a topic change makes the broker register at once (instead of at its 30 s interval)
                    try (GrpcTransport admin = GrpcTransport.create(GrpcTransportConfig.builder().plaintext()
                        .build()))
                    {
                        admin.broker(broker.address()).createOrUpdateTopic(TopicConfig.of("health", 1))
                            .get(10, TimeUnit.SECONDS);
                    }
                    Await.until(WAIT, () -> health(broker.address(), "") == ServingStatus.SERVING,
                        () -> "broker health: " + health(broker.address(), ""));
                    assertEquals(ServingStatus.SERVING, health(broker.address(), "rocklet.v1.Broker"));
                }
            }
        }
    }

    @Test
    void shouldAnswerServingWhenARouterStarted()
    {
        try (RockletServer router = RockletServer.start(ServerOptions.parse("router", "--port", "0", "--plaintext",
            "--no-auth")))
        {
            Await.until(WAIT, () -> health(router.address(), "") == ServingStatus.SERVING,
                () -> "router health: " + health(router.address(), ""));
            assertEquals(ServingStatus.SERVING, health(router.address(), "rocklet.v1.Router"));
        }
    }

    private static ServingStatus health(final String address, final String service)
    {
        final String hostPort = address.substring("grpc://".length());
        final int colon = hostPort.lastIndexOf(':');
        final ManagedChannel channel = NettyChannelBuilder.forAddress(hostPort.substring(0, colon),
            Integer.parseInt(hostPort.substring(colon + 1))).usePlaintext().build();
        try
        {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
        }
        finally
        {
            channel.shutdownNow();
        }
    }
}

package io.rocklet.cluster;

import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * F1 across JVMs: a standalone router evicts a broker as soon as the broker's connection closes. The broker JVM is
 * killed with SIGKILL (no unregistration); within a second a route query no longer lists it (not after the 120 s
 * expiry). Restarted on its port and data, it registers again and is routed again.
 */
@Timeout(120)
class BrokerDisconnectTest
{
    private static final Duration EVICTION_BOUND = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "disconnect";

    @TempDir
    Path directory;

    @Test
    void shouldDropABrokerFromRoutesWithinASecondWhenItsJvmIsKilledAndRouteItAgainWhenItRestarts()
    {
        try (ServerProcess router = ServerProcess.router("router-1", directory).awaitReady();
             ServerProcess broker = ServerProcess.broker("broker-a", router.hostAndPort(),
                 directory.resolve("broker-a-data"), directory).awaitReady();
             GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
                 .executorThreads(2).build()))
        {
            final RouterService routes = transport.router(router.address());
            transport.broker(broker.address()).createOrUpdateTopic(TopicConfig.of(TOPIC, 4)).join();
            Await.until(WAIT, () -> routedTo(routes, broker.address()), () -> "no route to broker-a" +
                router.describe());

            broker.kill9();

            Await.until(EVICTION_BOUND, () -> !routedTo(routes, broker.address()), () -> "broker-a still routed " +
                EVICTION_BOUND + " after its JVM was killed" + router.describe());
            broker.restart();
            Await.until(WAIT, () -> routedTo(routes, broker.address()), () -> "restarted broker-a not routed" +
                router.describe() + broker.describe());
        }
    }

    /**
     * @return true when the router's route of {@link #TOPIC} names the broker at {@code address}.
     */
    private static boolean routedTo(final RouterService router, final String address)
    {
        try
        {
            final List<BrokerRoute> brokers = router.queryRoute(TOPIC).get(5, TimeUnit.SECONDS).brokers();
            return brokers.stream().anyMatch(route -> address.equals(route.masterAddress()));
        }
        catch (final ExecutionException e)
        {
            return false; // TOPIC_NOT_FOUND: no broker holds it any more
        }
        catch (final InterruptedException | TimeoutException e)
        {
            throw new AssertionError("route query failed: " + e, e);
        }
    }
}

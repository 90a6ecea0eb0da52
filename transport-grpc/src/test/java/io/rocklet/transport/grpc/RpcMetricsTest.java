package io.rocklet.transport.grpc;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocklet.api.metrics.MetricNames;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A server's RPC meters in a {@link SimpleMeterRegistry}: latency per method and status, errors per method.
 */
@Timeout(120)
class RpcMetricsTest
{
    @Test
    void shouldCountCallsAndErrorsPerMethodWhenARegistryIsConfigured() throws Exception
    {
        final MeterRegistry registry = new SimpleMeterRegistry();
        try (GrpcTransport server = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
                 .executorThreads(2).meterRegistry(registry).build());
             GrpcTransport client = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
                 .executorThreads(2).callTimeout(Duration.ofSeconds(20)).build())) // a loaded build machine
        {
            final GrpcBinding endpoint = server.listen("grpc://127.0.0.1:0");
            try (Router router = Router.start(RouterConfig.builder(endpoint.address()).build(), server))
            {
                for (int i = 0; i < 3; i++)
                {
                    client.router(endpoint.address()).clusterInfo().get(30, TimeUnit.SECONDS);
                }
                for (int i = 0; i < 2; i++)
                {
                    assertThrows(ExecutionException.class, () -> client.router(endpoint.address())
                        .queryRoute("no-such-topic").get(30, TimeUnit.SECONDS));
                }

                assertEquals(3, registry.get(MetricNames.RPC_LATENCY).tags(MetricNames.TAG_SERVICE,
                    "rocklet.v1.Router", MetricNames.TAG_METHOD, "ClusterInfo", MetricNames.TAG_RESPONSE_CODE, "OK")
                    .timer().count());
                assertEquals(2, registry.get(MetricNames.RPC_ERRORS).tags(MetricNames.TAG_METHOD, "QueryRoute",
                    MetricNames.TAG_RESPONSE_CODE, "NOT_FOUND").counter().count());
                assertEquals(2, registry.get(MetricNames.RPC_LATENCY).tags(MetricNames.TAG_METHOD, "QueryRoute")
                    .timer().count());
                assertNull(registry.find(MetricNames.RPC_ERRORS).tags(MetricNames.TAG_METHOD, "ClusterInfo")
                    .counter(), "no error, no error counter");
                assertEquals(1, registry.get(MetricNames.CONNECTIONS).gauge().value(), "the client's connection");
            }
            endpoint.close();
            assertEquals(0, registry.find(MetricNames.RPC_LATENCY).meters().size(), "removed with the server");
        }
    }
}

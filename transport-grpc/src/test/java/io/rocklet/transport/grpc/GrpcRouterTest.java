package io.rocklet.transport.grpc;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real router served over gRPC (plaintext, 127.0.0.1, port 0), asked through a stub of a second transport: what
 * the router answers on the wire.
 */
@Timeout(30)
class GrpcRouterTest
{
    private final GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
    private final GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build());
    private final GrpcBinding endpoint = server.listen("grpc://127.0.0.1:0");
    private final Router router = Router.start(RouterConfig.builder(endpoint.address()).build(), server);

    @AfterEach
    void stop()
    {
        router.close();
        client.close();
        server.close();
    }

    @Test
    void shouldEvictABrokerWhenItsLastConnectionClosesAndRouteItAgainWhenItRegistersAgain()
    {
        final BrokerRegistration registration = new BrokerRegistration(new BrokerIdentity("c1", "b1", 0,
            "grpc://127.0.0.1:1"), List.of(TopicConfig.of("orders", 4)), 1);
        final RouterService routes = client.router(endpoint.address());
        final GrpcTransport first = GrpcTransport.create(TestTls.plaintext().build());
        final GrpcTransport second = GrpcTransport.create(TestTls.plaintext().build());
        first.router(endpoint.address()).registerBroker(registration).join();
        second.router(endpoint.address()).registerBroker(registration).join(); // the broker's second connection

        first.close();
        Await.holds(Duration.ofMillis(300), () -> routed(routes), () -> "evicted while a connection remained");
        second.close();
        Await.until(Duration.ofSeconds(5), () -> !routed(routes), () -> "still routed with no connection left");

        try (GrpcTransport reconnected = GrpcTransport.create(TestTls.plaintext().build()))
        {
            reconnected.router(endpoint.address()).registerBroker(registration).join(); // same data version
            assertTrue(routed(routes), "a registration over a new connection restores it");
        }
    }

    @Test
    void shouldAnswerInvalidArgumentNamingTheFieldWhenARouteQueryHasAnEmptyTopic()
    {
        final RouterService stub = client.router(endpoint.address());
        stub.registerBroker(new BrokerRegistration(new BrokerIdentity("c1", "b1", 0, "grpc://127.0.0.1:1"),
            List.of(TopicConfig.of("orders", 4)), 1)).join();

        final CompletionException error = assertThrows(CompletionException.class, () -> stub.queryRoute("").join());

        assertInstanceOf(InvalidArgumentException.class, error.getCause(), error.toString());
        assertEquals(ErrorCode.INVALID_ARGUMENT, ((RockletException) error.getCause()).errorCode());
        assertTrue(error.getCause().getMessage().contains("field=topic"), error.getCause().getMessage());
        assertEquals("orders", stub.queryRoute("orders").join().topic());
    }

    private static boolean routed(final RouterService router)
    {
        try
        {
            return router.queryRoute("orders").join().queues().size() == 1;
        }
        catch (final CompletionException e)
        {
            return false; // TOPIC_NOT_FOUND: no broker holds it
        }
    }
}

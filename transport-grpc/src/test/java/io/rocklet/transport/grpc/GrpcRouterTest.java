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
}

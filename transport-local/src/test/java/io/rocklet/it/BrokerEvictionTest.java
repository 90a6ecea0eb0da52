package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.Transport;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import io.rocklet.transport.local.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * F1 under the local transport: a broker that stops being served without unregistering (its process, to the
 * cluster, vanished) leaves the router's routes at once, not after the 120 s expiry; a broker served again at that
 * address registers and is routed again.
 */
@Timeout(30)
class BrokerEvictionTest
{
    private static final String ROUTER = LocalTransport.SCHEME + "router-ev";
    private static final String BROKER = LocalTransport.SCHEME + "broker-ev";

    @Test
    void shouldEvictABrokerAtOnceWhenItIsDroppedAndRouteItAgainWhenServedAgain()
    {
        final LocalTransport shared = new LocalTransport();
        final PartitionableTransport process = new PartitionableTransport(shared);
        try (Router router = Router.start(RouterConfig.builder(ROUTER).build(), shared);
             Broker dropped = start(process))
        {
            dropped.createOrUpdateTopic(TopicConfig.of("orders", 4)).join();
            final RouterService routes = shared.router(ROUTER);
            assertEquals(List.of("broker-ev"), brokersOf(routes));

            process.cut(); // no unregistration: the broker is simply gone

            final CompletionException gone = assertThrows(CompletionException.class,
                () -> routes.queryRoute("orders").join());
            assertEquals(ErrorCode.TOPIC_NOT_FOUND, ((RockletException) gone.getCause()).errorCode());
            assertEquals(List.of(), routes.registeredBrokers().join());
            try (Broker restarted = start(shared))
            {
                restarted.createOrUpdateTopic(TopicConfig.of("orders", 4)).join();
                assertEquals(List.of("broker-ev"), brokersOf(routes));
            }
        }
        finally
        {
            shared.close();
        }
    }

    private static Broker start(final Transport transport)
    {
        return Broker.start(BrokerConfig.builder().brokerName("broker-ev").address(BROKER).routers(ROUTER)
            .storeConfig(StoreConfig.ephemeralBuilder().threadingMode(ThreadingMode.SHARED).build()).build(),
            transport);
    }

    private static List<String> brokersOf(final RouterService router)
    {
        return router.queryRoute("orders").join().queues().stream().map(QueueRoute::brokerName).toList();
    }
}

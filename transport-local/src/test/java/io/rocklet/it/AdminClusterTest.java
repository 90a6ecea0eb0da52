package io.rocklet.it;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.BrokerState;
import io.rocklet.api.admin.ClusterStatus;
import io.rocklet.api.admin.RouterState;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.local.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster view through {@link Admin}: every configured router (one of them down) and every broker the routers
 * know, with its last heartbeat, address and topic count; a broker that vanished without unregistering shows as
 * unreachable, a broker stopped in order disappears.
 */
@Timeout(60)
class AdminClusterTest
{
    private static final String GONE_ROUTER = LocalTransport.SCHEME + "router-gone";

    @Test
    void shouldShowRoutersAndBrokersWithTheirStateWhenOneOfEachIsDown()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            final long before = System.currentTimeMillis();
            cluster.startBroker("a", UnaryOperator.identity());
            cluster.startBroker("b", UnaryOperator.identity());
            // a broker whose process died after registering: the router keeps it until it expires
            cluster.transport.router(HandBuiltCluster.ROUTER).registerBroker(new BrokerRegistration(
                new BrokerIdentity("DefaultCluster", "c", 0, LocalTransport.SCHEME + "broker-c"),
                List.of(TopicConfig.of("orders", 1)), 1)).join();
            final RockletClient client = RockletClients.create(ClientConfig.builder()
                .routers(HandBuiltCluster.ROUTER, GONE_ROUTER).requestTimeout(Duration.ofSeconds(2)).build(),
                cluster.transport);
            final Admin admin = client.admin();
            admin.createTopic(TopicConfig.of("orders", 2), List.of("a", "b"));
            admin.createTopic(TopicConfig.of("payments", 1), List.of("a"));

            final ClusterStatus status = admin.clusterStatus();
            assertEquals(List.of(HandBuiltCluster.ROUTER, GONE_ROUTER), status.routers().stream()
                .map(RouterState::address).toList(), "in configuration order");
            final RouterState up = status.routers().get(0);
            assertTrue(up.reachable());
            assertEquals(3, up.brokerCount());
            assertEquals("", up.error());
            final RouterState down = status.routers().get(1);
            assertFalse(down.reachable());
            assertTrue(down.error().contains(GONE_ROUTER), down.error());

            assertEquals(List.of("a", "b", "c"), status.brokers().stream().map(BrokerState::brokerName).toList());
            final BrokerState a = status.brokers().get(0);
            assertEquals(List.of("DefaultCluster", 0L, LocalTransport.SCHEME + "broker-a"),
                List.of(a.clusterName(), a.brokerId(), a.address()));
            assertEquals(List.of(HandBuiltCluster.ROUTER), a.registeredWith());
            assertTrue(a.reachable() && a.writable() && a.error().isEmpty(), a.toString());
            assertTrue(a.lastHeartbeatMs() >= before && a.lastHeartbeatMs() <= System.currentTimeMillis(),
                a.toString());
            assertTrue(a.startedMs() >= before, a.toString());
            assertEquals(2, a.topicCount(), "orders and payments");
            assertEquals(1, status.brokers().get(1).topicCount(), "orders");
            final BrokerState c = status.brokers().get(2);
            assertFalse(c.reachable());
            assertEquals(List.of(-1L, -1, -1, -1), List.of(c.startedMs(), c.topicCount(), c.groupCount(),
                c.clientCount()));
            assertTrue(c.error().contains("broker-c"), c.error());

            cluster.stopBroker("b");
            assertEquals(List.of("a", "c"), admin.clusterStatus().brokers().stream().map(BrokerState::brokerName)
                .toList(), "a broker stopped in order unregisters at once");
            client.close();
        }
    }
}

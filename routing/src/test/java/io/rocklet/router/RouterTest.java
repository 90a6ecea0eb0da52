package io.rocklet.router;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.testing.Await;
import io.rocklet.testing.TestTransport;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class RouterTest
{
    private static final BrokerIdentity A0 = new BrokerIdentity("c1", "broker-a", 0, "test://a0");
    private static final BrokerIdentity A1 = new BrokerIdentity("c1", "broker-a", 1, "test://a1");
    private static final BrokerIdentity B0 = new BrokerIdentity("c2", "broker-b", 0, "test://b0");

    private final TestTransport transport = new TestTransport();
    private final CachedEpochClock clock = new CachedEpochClock();
    private final Router router = invoker("test://router-1");

    @AfterEach
    void tearDown()
    {
        router.close();
        transport.close();
    }

    @Test
    void shouldServeRouteWhenBrokerRegistersTopic()
    {
        register(A0, new TopicConfig("orders", 4, 2, TopicConfig.PERM_READ_WRITE, false));
        register(B0, TopicConfig.of("orders", 8));

        final TopicRoute route = router.queryRoute("orders").join();

        assertEquals("orders", route.topic());
        assertEquals(Set.of(new QueueRoute("broker-a", 4, 2, TopicConfig.PERM_READ_WRITE),
            new QueueRoute("broker-b", 8, 8, TopicConfig.PERM_READ_WRITE)), Set.copyOf(route.queues()));
        assertEquals(2, route.brokers().size());
        assertEquals(Map.of(0L, "test://a0"), route.brokers().stream()
            .filter(b -> b.brokerName().equals("broker-a")).findFirst().orElseThrow().addresses());
    }

    @Test
    void shouldServeItselfAtItsAddressWhenStarted()
    {
        register(A0, TopicConfig.of("orders", 4));

        final RouterService stub = transport.router("test://router-1");

        assertEquals("orders", stub.queryRoute("orders").join().topic());
    }

    @Test
    void shouldAnswerTopicNotFoundWhenNoBrokerHasTopic()
    {
        register(A0, TopicConfig.of("orders", 4));

        assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(router.queryRoute("payments")));
    }

    @Test
    void shouldAnswerInvalidArgumentNamingTheFieldWhenARouteQueryHasNoTopic()
    {
        register(A0, TopicConfig.of("orders", 4));

        for (final String topic : new String[] {"", null})
        {
            final Throwable error = error(router.queryRoute(topic));
            assertInstanceOf(InvalidArgumentException.class, error, String.valueOf(topic));
            assertTrue(error.getMessage().contains("field=topic"), error.getMessage());
        }
    }

    @Test
    void shouldDropTopicWhenBrokerRegistersWithoutIt()
    {
        register(A0, TopicConfig.of("orders", 4), TopicConfig.of("payments", 4));
        register(B0, TopicConfig.of("orders", 4));

        register(A0, TopicConfig.of("payments", 4));
        register(B0);

        assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(router.queryRoute("orders")));
        assertEquals(List.of("broker-a"), router.queryRoute("payments").join().queues().stream()
            .map(QueueRoute::brokerName).toList());
    }

    @Test
    void shouldKeepTheNewerTopicsWhenAnOlderRegistrationArrivesLate()
    {
        router.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 8)).join();

        // sent before the topic was created, run after (two calls of one broker at once over a network)
        router.registerBroker(new BrokerRegistration(A0, List.of(), 7)).join();

        assertEquals(List.of("broker-a"), router.queryRoute("orders").join().queues().stream()
            .map(QueueRoute::brokerName).toList());
        router.registerBroker(new BrokerRegistration(A0, List.of(), 9)).join();
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(router.queryRoute("orders")));
    }

    @Test
    void shouldIgnoreARegistrationSentBeforeTheBrokerLeftWhenItArrivesAfterTheUnregistration()
    {
        router.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 8)).join();
        router.unregisterBroker(A0).join();

        router.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 8)).join();
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(router.queryRoute("orders")), "a late, stale registration");

        router.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 20)).join();
        assertEquals(List.of("broker-a"), router.queryRoute("orders").join().queues().stream()
            .map(QueueRoute::brokerName).toList(), "the broker restarted: a newer version registers again");
    }

    @Test
    void shouldRemoveABrokerAtOnceWhenItsConnectionClosesAndTakeItsNextRegistrationWhateverItsVersion()
    {
        router.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 8)).join();
        register(B0, TopicConfig.of("orders", 4));

        router.brokerDisconnected(A0);
        router.brokerDisconnected(new BrokerIdentity("c2", "broker-b", 0, "test://elsewhere"));

        assertEquals(List.of("broker-b"), router.queryRoute("orders").join().queues().stream()
            .map(QueueRoute::brokerName).toList(), "broker-b registered at another address: kept");
        router.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 8)).join();
        assertEquals(2, router.queryRoute("orders").join().queues().size(), "reconnected: the same version counts");
    }

    @Test
    void shouldIgnoreALateRegistrationWhenTheBrokerUnregistersAfterItsConnectionClosed()
    {
        router.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 8)).join();
        router.brokerDisconnected(A0); // an in-JVM broker stops being served before it unregisters
        router.unregisterBroker(A0).join();

        router.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 8)).join();

        assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(router.queryRoute("orders")), "a late, stale registration");
    }

    @Test
    void shouldKeepTopicWhileAnotherBrokerStillHasIt()
    {
        register(A0, TopicConfig.of("orders", 4));
        register(B0, TopicConfig.of("orders", 4));

        register(A0);

        assertEquals(List.of("broker-b"), router.queryRoute("orders").join().queues().stream()
            .map(QueueRoute::brokerName).toList());
    }

    @Test
    void shouldEvictBrokerWhenSilentLongerThanExpiry()
    {
        clock.update(1_000);
        register(A0, TopicConfig.of("orders", 4));
        clock.update(60_000);
        register(B0, TopicConfig.of("orders", 4));

        clock.update(1_000 + 120_000);
        router.doWork();
        assertEquals(2, router.queryRoute("orders").join().queues().size(), "not silent longer than the expiry yet");

        clock.update(1_000 + 120_001);
        assertEquals(0, router.doWork(), "the next scan is due a scan interval later");
        clock.update(1_000 + 130_000);
        assertTrue(router.doWork() > 0);

        assertEquals(List.of("broker-b"), router.queryRoute("orders").join().queues().stream()
            .map(QueueRoute::brokerName).toList());
        assertEquals(Set.of("c2"), router.clusterInfo().join().clusters().keySet());
    }

    @Test
    void shouldKeepBrokerWhenItRegistersAgainBeforeExpiry()
    {
        register(A0, TopicConfig.of("orders", 4));
        clock.update(100_000);
        register(A0, TopicConfig.of("orders", 4));

        clock.update(200_000);
        router.doWork();

        assertEquals(1, router.queryRoute("orders").join().queues().size());
    }

    @Test
    void shouldRemoveBrokerAtOnceWhenUnregistered()
    {
        register(A0, TopicConfig.of("orders", 4));
        register(B0, TopicConfig.of("orders", 4));

        router.unregisterBroker(A0).join();

        final ClusterInfo info = router.clusterInfo().join();
        assertEquals(Set.of("broker-b"), info.brokers().keySet());
        assertEquals(1, router.queryRoute("orders").join().queues().size());
    }

    @Test
    void shouldIgnoreUnregisterWhenBrokerRegisteredAgainAtAnotherAddress()
    {
        // a master at another address is refused while the first is registered (a second master), so a slave
        register(A0, TopicConfig.of("orders", 4));
        register(A1, TopicConfig.of("orders", 4));
        final BrokerIdentity restarted = new BrokerIdentity("c1", "broker-a", 1, "test://a1-new");
        register(restarted, TopicConfig.of("orders", 4));

        router.unregisterBroker(A1).join();

        assertEquals("test://a1-new", router.clusterInfo().join().brokers().get("broker-a").addresses().get(1L));
    }

    @Test
    void shouldDescribeClustersWhenBrokersRegister()
    {
        register(A0, TopicConfig.of("orders", 4));
        register(A1, TopicConfig.of("orders", 4));
        register(B0);

        final ClusterInfo info = router.clusterInfo().join();

        assertEquals(Map.of("c1", Set.of("broker-a"), "c2", Set.of("broker-b")), info.clusters());
        assertEquals(Map.of(0L, "test://a0", 1L, "test://a1"), info.brokers().get("broker-a").addresses());
        assertEquals("test://b0", info.brokers().get("broker-b").masterAddress());
    }

    @Test
    void shouldTellSlaveItsMasterWhenSlaveRegisters()
    {
        assertEquals("", register(A1, TopicConfig.of("orders", 4)).masterAddress());
        assertEquals("", register(A0, TopicConfig.of("orders", 4)).masterAddress());

        assertEquals("test://a0", register(A1, TopicConfig.of("orders", 4)).masterAddress());
    }

    @Test
    void shouldRouteToSlaveWhenMasterIsGone()
    {
        register(A0, TopicConfig.of("orders", 4));
        register(A1, TopicConfig.of("orders", 4));

        router.unregisterBroker(A0).join();

        final TopicRoute route = router.queryRoute("orders").join();
        assertNull(route.brokers().get(0).masterAddress());
        assertEquals(Map.of(1L, "test://a1"), route.brokers().get(0).addresses());
    }

    @Test
    void shouldFollowMasterTopicsWhenSlaveLagsBehind()
    {
        register(A0, TopicConfig.of("orders", 4));
        register(A1, TopicConfig.of("orders", 4), TopicConfig.of("old", 4));

        assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(router.queryRoute("old")));
    }

    @Test
    void shouldKeepTablesApartWhenTwoRoutersRun()
    {
        try (Router second = invoker("test://router-2"))
        {
            register(A0, TopicConfig.of("orders", 4));
            second.registerBroker(new BrokerRegistration(B0, List.of(TopicConfig.of("payments", 4)), 1)).join();

            assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(second.queryRoute("orders")));
            assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(router.queryRoute("payments")));
            assertEquals(Set.of("broker-b"), second.clusterInfo().join().brokers().keySet());

            router.unregisterBroker(A0).join();
            second.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 1)).join();
            assertEquals(1, second.queryRoute("orders").join().queues().size());
        }
    }

    @Test
    void shouldRefuseIllegalRegistration()
    {
        assertInstanceOf(InvalidArgumentException.class, error(router.registerBroker(null)));
        assertInstanceOf(InvalidArgumentException.class, error(router.registerBroker(
            new BrokerRegistration(new BrokerIdentity("c1", null, 0, "test://x"), List.of(), 1))));
        assertInstanceOf(InvalidArgumentException.class, error(router.registerBroker(
            new BrokerRegistration(new BrokerIdentity("c1", "x", -1, "test://x"), List.of(), 1))));
    }

    @Test
    void shouldRefuseCallsAndStopServingWhenClosed()
    {
        router.close();
        router.close();

        assertInstanceOf(ClosedException.class, error(router.clusterInfo()));
        assertEquals(ErrorCode.BROKER_UNAVAILABLE, errorCode(transport.router("test://router-1").clusterInfo()));
    }

    @Test
    void shouldRefuseDoWorkWhenDedicated()
    {
        try (Router dedicated = Router.start(RouterConfig.builder("test://router-d").build(), transport))
        {
            assertThrows(IllegalStateException.class, dedicated::doWork);
        }
    }

    @Test
    void shouldEvictOnDaemonThreadWhenDedicated()
    {
        final CachedEpochClock dedicatedClock = new CachedEpochClock();
        final Router dedicated = Router.start(RouterConfig.builder("test://router-d").clock(dedicatedClock)
            .brokerExpiry(Duration.ofSeconds(120)).scanInterval(Duration.ofMillis(10)).build(), transport);
        try
        {
            final Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("rocklet-router-router-d")).findFirst().orElseThrow();
            assertTrue(thread.isDaemon());
            dedicated.registerBroker(new BrokerRegistration(A0, List.of(TopicConfig.of("orders", 4)), 1)).join();

            dedicatedClock.update(121_000);

            Await.until(() -> dedicated.clusterInfo().join().brokers().isEmpty(), Duration.ofSeconds(10),
                "broker evicted");
            dedicated.close();
            Await.until(() -> !thread.isAlive(), Duration.ofSeconds(10), "scan thread stopped");
        }
        finally
        {
            dedicated.close();
        }
    }

    @Test
    void shouldRefuseIllegalConfig()
    {
        assertThrows(InvalidArgumentException.class, () -> RouterConfig.builder(" ").build());
        assertThrows(InvalidArgumentException.class, () -> RouterConfig.builder("test://r")
            .brokerExpiry(Duration.ZERO).build());
        assertThrows(InvalidArgumentException.class, () -> RouterConfig.builder("test://r")
            .scanInterval(Duration.ofSeconds(-1)).build());
        assertThrows(InvalidArgumentException.class, () -> RouterConfig.builder("test://r").clock(null).build());
        final RouterConfig defaults = RouterConfig.builder("test://r").build();
        assertEquals(Duration.ofSeconds(120), defaults.brokerExpiry());
        assertEquals(Duration.ofSeconds(10), defaults.scanInterval());
        assertEquals(RouterConfig.ThreadingMode.DEDICATED, defaults.threadingMode());
    }

    @Test
    void shouldRefuseStartWhenAddressIsTaken()
    {
        assertThrows(InvalidArgumentException.class, () -> invoker("test://router-1"));
        assertFalse(Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals("rocklet-router-router-1")));
    }

    private Router invoker(final String address)
    {
        return Router.start(RouterConfig.builder(address).clock(clock)
            .threadingMode(RouterConfig.ThreadingMode.INVOKER).build(), transport);
    }

    @Test
    void shouldRefuseASecondMasterOfAReplicaSetWhileTheFirstIsRegistered()
    {
        register(A0, TopicConfig.of("orders", 4));
        final BrokerIdentity second = new BrokerIdentity("c1", "broker-a", 0, "test://a0-again");
        final CompletableFuture<RouterService.RegistrationResult> refused =
            router.registerBroker(new BrokerRegistration(second, List.of(), 1));
        assertEquals(ErrorCode.REPLICA_MISMATCH, errorCode(refused));
        assertTrue(error(refused).getMessage().contains("registeredMaster=test://a0"), error(refused).getMessage());
        assertEquals("test://a0", register(A1).masterAddress());
        router.unregisterBroker(A0).join();
        register(second); // the first master left: the new one is taken
    }

    private RouterService.RegistrationResult register(final BrokerIdentity broker, final TopicConfig... topics)
    {
        return router.registerBroker(new BrokerRegistration(broker, List.of(topics), 1)).join();
    }

    private static Throwable error(final CompletableFuture<?> future)
    {
        final CompletionException e = assertThrows(CompletionException.class, future::join);
        return e.getCause();
    }

    private static ErrorCode errorCode(final CompletableFuture<?> future)
    {
        return ((RockletException)error(future)).errorCode();
    }
}

package io.rocklet.client.internal;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.testing.Await;
import io.rocklet.testing.ScriptedBroker;
import io.rocklet.testing.ScriptedRouter;
import io.rocklet.testing.TestTransport;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DefaultClientContextTest
{
    private static final Duration REFRESH = Duration.ofSeconds(30);

    private final TestTransport transport = new TestTransport();
    private final CachedEpochClock epochClock = new CachedEpochClock();
    private final CachedNanoClock clock = new CachedNanoClock();
    private final Router real1 = router("test://real-1");
    private final Router real2 = router("test://real-2");
    private final ScriptedRouter r1 = new ScriptedRouter(real1);
    private final ScriptedRouter r2 = new ScriptedRouter(real2);
    private final ScriptedBroker a0 = new ScriptedBroker("c1", "broker-a", 0, "test://a0").withTopic("orders", 4);
    private final ScriptedBroker a1 = new ScriptedBroker("c1", "broker-a", 1, "test://a1").withTopic("orders", 4);
    private final ScriptedBroker b0 = new ScriptedBroker("c1", "broker-b", 0, "test://b0").withTopic("orders", 2);
    private final List<DefaultClientContext> contexts = new ArrayList<>();

    DefaultClientContextTest()
    {
        transport.serve("test://r1", r1);
        transport.serve("test://r2", r2);
        for (final ScriptedBroker broker : List.of(a0, a1, b0))
        {
            transport.serve(broker.address(), broker);
            real1.registerBroker(broker.registration()).join();
            real2.registerBroker(broker.registration()).join();
        }
    }

    @AfterEach
    void tearDown()
    {
        contexts.forEach(DefaultClientContext::close);
        real1.close();
        real2.close();
        transport.close();
    }

    @Test
    void shouldServeCachedRouteWhenFresh()
    {
        final DefaultClientContext context = context(config());

        final TopicRoute first = context.route("orders").join();
        clock.advance(REFRESH.toNanos() - 1);
        final TopicRoute second = context.route("orders").join();

        assertSame(first, second);
        assertEquals(1, r1.routeQueries.get());
    }

    @Test
    void shouldRefreshInBackgroundWhenRouteIsOlderThanRefreshInterval()
    {
        final DefaultClientContext context = context(config());
        assertEquals(2, context.route("orders").join().queues().size());
        real1.unregisterBroker(b0.identity).join();

        clock.advance(REFRESH.toNanos());
        final TopicRoute served = context.route("orders").join();

        assertEquals(2, served.queues().size(), "the aged route is served at once");
        assertEquals(2, r1.routeQueries.get(), "and fetched again in the background");
        assertEquals(1, context.route("orders").join().queues().size());
    }

    @Test
    void shouldFetchAgainFirstWhenInvalidated()
    {
        final DefaultClientContext context = context(config());
        context.route("orders").join();
        real1.unregisterBroker(b0.identity).join();

        context.invalidateRoute("orders");

        assertEquals(List.of("broker-a"), context.route("orders").join().queues().stream()
            .map(QueueRoute::brokerName).toList());
        assertEquals(2, r1.routeQueries.get());
    }

    @Test
    void shouldRefreshEveryCachedRouteWhenRefreshRuns()
    {
        final DefaultClientContext context = context(config());
        context.route("orders").join();
        real1.unregisterBroker(b0.identity).join();

        context.refreshRoutes().join();

        assertEquals(1, context.route("orders").join().queues().size());
        assertEquals(List.of("broker-a"), context.knownBrokers(), "brokers no route names are forgotten");
    }

    @Test
    void shouldRefreshRoutesOnSchedulerThreadWhenIntervalPasses()
    {
        final DefaultClientContext context = context(config().routeRefreshInterval(Duration.ofMillis(20)));
        context.route("orders").join();

        Await.until(() -> r1.routeQueries.get() >= 3, Duration.ofSeconds(10), "periodic route refresh");
    }

    @Test
    void shouldServeOldRouteWhenNoRouterAnswersAfterInvalidate()
    {
        final DefaultClientContext context = context(config());
        final TopicRoute route = context.route("orders").join();
        r1.mode(ScriptedRouter.Mode.FAIL);
        r2.mode(ScriptedRouter.Mode.FAIL);

        context.invalidateRoute("orders");

        assertSame(route, context.route("orders").join());
    }

    @Test
    void shouldFailWithTopicNotFoundWhenNoRouterHasTopic()
    {
        final DefaultClientContext context = context(config());

        assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(context.route("payments")));
        assertEquals(1, r1.routeQueries.get());
        assertEquals(1, r2.routeQueries.get(), "a router may lag behind: the other one is asked too");
    }

    @Test
    void shouldDropRouteWhenTopicDisappears()
    {
        final DefaultClientContext context = context(config());
        context.route("orders").join();
        for (final ScriptedBroker broker : List.of(a0, a1, b0))
        {
            broker.topics.clear();
            real1.registerBroker(broker.registration()).join();
            real2.registerBroker(broker.registration()).join();
        }

        context.invalidateRoute("orders");

        assertEquals(ErrorCode.TOPIC_NOT_FOUND, errorCode(context.route("orders")));
    }

    @Test
    void shouldFailOverToSecondRouterWhenFirstFails()
    {
        final DefaultClientContext context = context(config());
        r1.mode(ScriptedRouter.Mode.FAIL);

        assertEquals("orders", context.route("orders").join().topic());
        assertEquals(1, r1.routeQueries.get());
        assertEquals(1, r2.routeQueries.get());

        context.routers().clusterInfo().join();
        assertEquals(0, r1.clusterQueries.get(), "the router that answered is asked first from now on");
        assertEquals("test://r2", context.routers().preferredRouter());
    }

    @Test
    void shouldFailOverWhenFirstRouterDoesNotAnswerInTime()
    {
        final DefaultClientContext context = context(config().requestTimeout(Duration.ofMillis(100)));
        r1.mode(ScriptedRouter.Mode.HANG);

        assertEquals("orders", context.route("orders").join().topic());
        assertEquals(1, r2.routeQueries.get());
    }

    @Test
    void shouldFailOverWhenNothingIsServedAtFirstRouter()
    {
        final DefaultClientContext context = context(ClientConfig.builder().routers("test://gone", "test://r2")
            .instanceName("test").routeRefreshInterval(Duration.ofHours(1)).heartbeatInterval(Duration.ofHours(1))
            .build());

        assertEquals("orders", context.route("orders").join().topic());
    }

    @Test
    void shouldFailWithNoRouteWhenNoRouterAnswers()
    {
        final DefaultClientContext context = context(config());
        r1.mode(ScriptedRouter.Mode.FAIL);
        r2.mode(ScriptedRouter.Mode.FAIL);

        final RockletException error = error(context.route("orders"));

        assertEquals(ErrorCode.NO_ROUTE, error.errorCode());
        assertTrue(error.retriable());
        assertTrue(error.getMessage().contains("test://r1"), error.getMessage());
    }

    @Test
    void shouldShareOneQueryWhenFetchesOverlap()
    {
        final CompletableFuture<TopicRoute> answer = new CompletableFuture<>();
        final ScriptedRouter pending = new ScriptedRouter(real1)
        {
            @Override
            public CompletableFuture<TopicRoute> queryRoute(final String topic)
            {
                routeQueries.incrementAndGet();
                return answer;
            }
        };
        transport.serve("test://pending", pending);
        final DefaultClientContext context = context(ClientConfig.builder().routers("test://pending")
            .instanceName("test").build());

        final CompletableFuture<TopicRoute> first = context.route("orders");
        final CompletableFuture<TopicRoute> second = context.route("orders");
        answer.complete(real1.queryRoute("orders").join());

        assertSame(first.join(), second.join());
        assertEquals(1, pending.routeQueries.get());
    }

    @Test
    void shouldListSortedQueuesByPermissionAndMaster()
    {
        final DefaultClientContext context = context(config());
        final TopicRoute route = new TopicRoute("t", List.of(
            new QueueRoute("z", 2, 2, TopicConfig.PERM_READ_WRITE),
            new QueueRoute("b", 2, 2, TopicConfig.PERM_READ),
            new QueueRoute("a", 3, 2, TopicConfig.PERM_READ_WRITE),
            new QueueRoute("s", 1, 1, TopicConfig.PERM_READ_WRITE)), List.of(
            new BrokerRoute("c", "z", Map.of(0L, "test://z")),
            new BrokerRoute("c", "b", Map.of(0L, "test://b")),
            new BrokerRoute("c", "a", Map.of(0L, "test://a")),
            new BrokerRoute("c", "s", Map.of(1L, "test://s1"))));

        assertEquals(List.of(q("a", 0), q("a", 1), q("z", 0), q("z", 1)), context.writeQueues(route));
        assertEquals(List.of(q("a", 0), q("a", 1), q("a", 2), q("b", 0), q("b", 1), q("s", 0), q("z", 0), q("z", 1)),
            context.readQueues(route));
    }

    @Test
    void shouldResolveMasterStubWhenRouteNamesBroker()
    {
        final DefaultClientContext context = context(config());
        assertEquals(ErrorCode.NO_ROUTE, assertThrows(RockletException.class, () -> context.broker("broker-a"))
            .errorCode());

        context.route("orders").join();

        assertEquals(a0.identity, context.broker("broker-a").identity().join());
        assertSame(context.broker("broker-a"), context.brokerAt("test://a0"));
        assertEquals(List.of("broker-a", "broker-b"), context.knownBrokers());
    }

    @Test
    void shouldHeartbeatEveryMemberAtOnceWhenConsumerRegisters()
    {
        final DefaultClientContext context = context(config());
        context.route("orders").join();
        final ConsumerRegistration registration = new ConsumerRegistration("cg", MessageModel.CLUSTERING,
            ConsumeFrom.LAST, Map.of("orders", "*"));

        context.registerConsumer(registration).join();

        for (final ScriptedBroker broker : List.of(a0, a1, b0))
        {
            assertEquals(List.of(new ClientHeartbeat(context.clientId(), List.of(registration), List.of())),
                broker.heartbeats, broker.name());
        }
    }

    @Test
    void shouldHeartbeatMastersOnlyWhenClientOnlyProduces()
    {
        final DefaultClientContext context = context(config());
        context.route("orders").join();

        context.registerProducer("pg");

        Await.until(() -> a0.heartbeats.size() == 1 && b0.heartbeats.size() == 1, Duration.ofSeconds(5),
            "heartbeats");
        assertEquals(List.of("pg"), a0.heartbeats.get(0).producerGroups());
        assertTrue(a1.heartbeats.isEmpty());
    }

    @Test
    void shouldHeartbeatNewBrokerBeforeRouteCompletes()
    {
        final DefaultClientContext context = context(config());
        context.registerConsumer(new ConsumerRegistration("cg", MessageModel.CLUSTERING, ConsumeFrom.LAST,
            Map.of("orders", "*"))).join();
        assertTrue(a0.heartbeats.isEmpty(), "no broker known yet");

        context.route("orders").join();

        assertEquals(1, a0.heartbeats.size());
        assertEquals(1, b0.heartbeats.size());
    }

    @Test
    void shouldHeartbeatPeriodicallyWhenIntervalPasses()
    {
        final DefaultClientContext context = context(config().heartbeatInterval(Duration.ofMillis(20)));
        context.route("orders").join();
        context.registerProducer("pg");

        Await.until(() -> a0.heartbeats.size() >= 4, Duration.ofSeconds(10), "periodic heartbeats");
    }

    @Test
    void shouldUnregisterEverywhereWhenConsumerUnregisters()
    {
        final DefaultClientContext context = context(config());
        context.route("orders").join();
        context.registerConsumer(new ConsumerRegistration("cg", MessageModel.CLUSTERING, ConsumeFrom.LAST,
            Map.of("orders", "*"))).join();

        context.unregisterConsumer("cg").join();

        for (final ScriptedBroker broker : List.of(a0, a1, b0))
        {
            assertEquals(List.of(context.clientId() + "/cg"), broker.unregistered, broker.name());
        }
        assertTrue(context.currentHeartbeat().consumers().isEmpty());
    }

    @Test
    void shouldKeepProducerGroupUntilLastProducerUnregisters()
    {
        final DefaultClientContext context = context(config());
        context.route("orders").join();
        context.registerProducer("pg");
        context.registerProducer("pg");

        context.unregisterProducer("pg");
        assertEquals(List.of("pg"), context.currentHeartbeat().producerGroups());
        assertTrue(a0.unregistered.isEmpty());

        context.unregisterProducer("pg");
        assertEquals(List.of(), context.currentHeartbeat().producerGroups());
        Await.until(() -> a0.unregistered.contains(context.clientId() + "/pg"), Duration.ofSeconds(5),
            "producer unregistered");
    }

    @Test
    void shouldGiveEachContextItsOwnIdAndDaemonThread()
    {
        final DefaultClientContext first = context(config());
        final DefaultClientContext second = context(config());
        first.scheduler().submit(() -> null);

        assertNotEquals(first.clientId(), second.clientId());
        assertTrue(first.clientId().contains("@test#"), first.clientId());
        final Thread thread = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("rocklet-client-" + first.clientId())).findFirst().orElseThrow();
        assertTrue(thread.isDaemon());

        first.close();
        first.close();

        assertTrue(first.scheduler().isShutdown());
        assertInstanceOf(ClosedException.class, error(first.route("orders")));
        Await.until(() -> !thread.isAlive(), Duration.ofSeconds(10), "scheduler thread stopped");
        assertFalse(second.isClosed());
    }

    @Test
    void shouldKeepTheDefaultInstanceNameStableAndPutTheProcessIdInTheClientIdWhenNoNameIsSet()
    {
        final ClientConfig defaults = ClientConfig.builder().routers("test://r1").build();
        final DefaultClientContext context = context(ClientConfig.builder().routers("test://r1", "test://r2")
            .requestTimeout(Duration.ofSeconds(2)).routeRefreshInterval(REFRESH).heartbeatInterval(Duration.ofHours(1)));

        assertEquals(ClientConfig.DEFAULT_INSTANCE_NAME, defaults.instanceName(), "the same in every run");
        assertTrue(context.clientId().contains("@" + ProcessHandle.current().pid() + "#"), context.clientId());
    }

    private ClientConfig.Builder config()
    {
        return ClientConfig.builder().routers("test://r1", "test://r2").instanceName("test")
            .requestTimeout(Duration.ofSeconds(2)).routeRefreshInterval(REFRESH).heartbeatInterval(Duration.ofHours(1));
    }

    private DefaultClientContext context(final ClientConfig.Builder config)
    {
        return context(config.build());
    }

    private DefaultClientContext context(final ClientConfig config)
    {
        final DefaultClientContext context = new DefaultClientContext(config, transport, clock, 0);
        contexts.add(context);
        return context;
    }

    private Router router(final String address)
    {
        return Router.start(RouterConfig.builder(address).clock(epochClock)
            .threadingMode(RouterConfig.ThreadingMode.INVOKER).build(), transport);
    }

    private static MessageQueue q(final String broker, final int id)
    {
        return new MessageQueue("t", broker, id);
    }

    private static RockletException error(final CompletableFuture<?> future)
    {
        final CompletionException e = assertThrows(CompletionException.class, future::join);
        return (RockletException)e.getCause();
    }

    private static ErrorCode errorCode(final CompletableFuture<?> future)
    {
        return error(future).errorCode();
    }
}

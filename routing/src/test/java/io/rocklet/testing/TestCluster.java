package io.rocklet.testing;

import io.rocklet.api.ClientConfig;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import org.agrona.concurrent.CachedEpochClock;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A router (INVOKER mode, fake clock; clients reach it through a counting {@link ScriptedRouter}) and
 * scripted brokers on a {@link TestTransport}.
 */
public final class TestCluster implements AutoCloseable
{
    public static final String ROUTER = "test://router-1";

    public final TestTransport transport = new TestTransport();
    public final CachedEpochClock clock = new CachedEpochClock();
    public final Router router;
    /** Counts the queries clients make; served at {@link #ROUTER}. */
    public final ScriptedRouter routerStub;
    public final Map<String, ScriptedBroker> brokers = new LinkedHashMap<>();

    public TestCluster()
    {
        router = Router.start(RouterConfig.builder("test://router-real").clock(clock)
            .threadingMode(RouterConfig.ThreadingMode.INVOKER).build(), transport);
        routerStub = new ScriptedRouter(router);
        transport.serve(ROUTER, routerStub);
    }

    /**
     * Serves the broker and registers it (with its current topics) with the router.
     */
    public ScriptedBroker add(final ScriptedBroker broker)
    {
        brokers.put(broker.name(), broker);
        transport.serve(broker.address(), broker);
        register(broker);
        return broker;
    }

    /**
     * Registers the broker's current topics again (its periodic registration).
     */
    public void register(final ScriptedBroker broker)
    {
        router.registerBroker(broker.registration()).join();
    }

    public ScriptedBroker broker(final String name)
    {
        return brokers.get(name);
    }

    /**
     * @return a client config for this cluster: short request timeout, timers that do not fire in a test.
     */
    public ClientConfig.Builder clientConfig()
    {
        return ClientConfig.builder().routers(ROUTER).instanceName("test").requestTimeout(Duration.ofSeconds(2))
            .routeRefreshInterval(Duration.ofHours(1)).heartbeatInterval(Duration.ofHours(1));
    }

    @Override
    public void close()
    {
        router.close();
        transport.close();
    }
}

package io.rocklet.it;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.spi.Transport;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.client.RockletClients;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import io.rocklet.transport.local.LocalTransport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A router and any number of brokers on one {@link ObservedTransport}, built by hand as
 * {@code EmbeddedRocklet.Builder.start()} does, for scenarios an embedded instance (one broker) cannot
 * play: several brokers, a broker stopped and started again on its directory, a broker-side view of pulls.
 */
final class HandBuiltCluster implements AutoCloseable
{
    static final String ROUTER = LocalTransport.SCHEME + "router-it";

    final ObservedTransport transport = new ObservedTransport();
    private final Router router;
    private final Map<String, Broker> brokers = new ConcurrentHashMap<>();
    private final List<RockletClient> clients = new ArrayList<>();

    HandBuiltCluster()
    {
        router = Router.start(RouterConfig.builder(ROUTER).build(), transport);
    }

    /**
     * Starts an ephemeral broker (small segments, no fsync).
     */
    Broker startBroker(final String name, final UnaryOperator<BrokerConfig.Builder> settings)
    {
        return start(name, StoreConfig.ephemeralBuilder(), null, settings);
    }

    /**
     * Starts a broker that keeps its store and files under {@code directory}, so that it can be started again.
     */
    Broker startBroker(final String name, final Path directory)
    {
        return start(name, StoreConfig.builder(directory.resolve("store")).segmentSizeBytes(8 * 1024 * 1024)
            .preallocate(false).fsync(false), directory.resolve("broker"), UnaryOperator.identity());
    }

    Broker broker(final String name)
    {
        return brokers.get(name);
    }

    /**
     * Stops a broker as a crash of its process would look to its clients: it stops answering at once (it
     * unregisters from the router, as a broker on a process that exits orderly does).
     */
    void stopBroker(final String name)
    {
        brokers.remove(name).close();
    }

    RockletClient newClient()
    {
        return newClient(UnaryOperator.identity());
    }

    synchronized RockletClient newClient(final UnaryOperator<ClientConfig.Builder> settings)
    {
        return newClient(settings, transport);
    }

    /**
     * @return a client whose every call fails once {@code view} is cut (a process that vanished).
     */
    synchronized RockletClient newClient(final UnaryOperator<ClientConfig.Builder> settings,
        final PartitionableTransport view)
    {
        return newClient(settings, (Transport) view);
    }

    private RockletClient newClient(final UnaryOperator<ClientConfig.Builder> settings, final Transport through)
    {
        final RockletClient client = RockletClients.create(settings.apply(ClientConfig.builder().routers(ROUTER)
            .requestTimeout(Duration.ofSeconds(2))).build(), through);
        clients.add(client);
        return client;
    }

    @Override
    public synchronized void close()
    {
        clients.forEach(RockletClient::close);
        brokers.values().forEach(Broker::close);
        router.close();
        transport.close();
    }

    private Broker start(final String name, final StoreConfig.Builder store, final Path brokerDirectory,
        final UnaryOperator<BrokerConfig.Builder> settings)
    {
        final BrokerConfig.Builder config = BrokerConfig.builder()
            .brokerName(name)
            .address(LocalTransport.SCHEME + "broker-" + name)
            .routers(ROUTER)
            .storeConfig(store.threadingMode(ThreadingMode.SHARED).build());
        if (brokerDirectory != null)
        {
            config.dataDirectory(brokerDirectory);
        }
        final Broker broker = Broker.start(settings.apply(config).build(), transport);
        brokers.put(name, broker);
        return broker;
    }
}

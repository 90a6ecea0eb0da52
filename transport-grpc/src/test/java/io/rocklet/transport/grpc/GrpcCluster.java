package io.rocklet.transport.grpc;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.client.RockletClients;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A router and a broker served over gRPC on 127.0.0.1 (ports chosen by the system, each on its own server) by one
 * transport, and clients on a second transport, all in this JVM: what two machines would run, built as
 * {@code EmbeddedRocklet} builds its local pair. The broker can be stopped (its server too: a dead peer) and started
 * again on the same port.
 */
final class GrpcCluster implements AutoCloseable
{
    static final String BROKER_NAME = "b1";

    final ObservedServing served;
    final GrpcTransport clientTransport;
    final String routerAddress;
    private final GrpcBinding routerEndpoint;
    private final Router router;
    private final Path brokerDirectory;
    private final UnaryOperator<BrokerConfig.Builder> brokerSettings;
    private final List<RockletClient> clients = new ArrayList<>();
    private GrpcBinding brokerEndpoint;
    private Broker broker;
    private int brokerPort;

    /**
     * @param brokerDirectory where the broker keeps its files (so that it can restart), or null for an ephemeral one.
     */
    GrpcCluster(final GrpcTransportConfig serverConfig, final GrpcTransportConfig clientConfig,
        final Path brokerDirectory, final UnaryOperator<BrokerConfig.Builder> brokerSettings)
    {
        this.served = new ObservedServing(GrpcTransport.create(serverConfig));
        this.clientTransport = GrpcTransport.create(clientConfig);
        this.brokerDirectory = brokerDirectory;
        this.brokerSettings = brokerSettings;
        this.routerEndpoint = served.listen("grpc://127.0.0.1:0");
        this.routerAddress = routerEndpoint.address();
        this.router = Router.start(RouterConfig.builder(routerAddress).build(), served);
        startBroker();
    }

    /**
     * @return a cluster over mutual TLS with an ephemeral broker.
     */
    static GrpcCluster mutualTls(final UnaryOperator<BrokerConfig.Builder> brokerSettings)
    {
        return new GrpcCluster(TestTls.settings(TestTls.node(true)).build(),
            TestTls.settings(TestTls.client()).build(), null, brokerSettings);
    }

    static GrpcCluster mutualTls()
    {
        return mutualTls(UnaryOperator.identity());
    }

    /**
     * Starts the broker on its own server; after a {@link #stopBroker()}, on the port it had.
     */
    synchronized void startBroker()
    {
        brokerEndpoint = served.listen("grpc://127.0.0.1:" + brokerPort);
        brokerPort = brokerEndpoint.port();
        final StoreConfig.Builder store = brokerDirectory == null ? StoreConfig.ephemeralBuilder() :
            StoreConfig.builder(brokerDirectory.resolve("store")).segmentSizeBytes(8 * 1024 * 1024)
                .preallocate(false).fsync(false);
        final BrokerConfig.Builder config = BrokerConfig.builder()
            .brokerName(BROKER_NAME)
            .address(brokerEndpoint.address())
            .routers(routerAddress)
            .storeConfig(store.threadingMode(ThreadingMode.SHARED).build());
        if (brokerDirectory != null)
        {
            config.dataDirectory(brokerDirectory.resolve("broker"));
        }
        broker = Broker.start(brokerSettings.apply(config).build(), served);
        final String address = brokerEndpoint.address();
        // over a network the registration lands a moment after start returns: wait, as an operator would
        Await.until(() -> router.clusterInfo().join().brokers().values().stream()
            .anyMatch(route -> address.equals(route.masterAddress())), () -> "broker not registered: " + address);
    }

    /**
     * Stops the broker and its server: its port refuses connections until {@link #startBroker()}.
     */
    synchronized void stopBroker()
    {
        broker.close();
        brokerEndpoint.close();
    }

    synchronized String brokerAddress()
    {
        return brokerEndpoint.address();
    }

    synchronized Broker broker()
    {
        return broker;
    }

    RockletClient newClient()
    {
        return newClient(UnaryOperator.identity());
    }

    synchronized RockletClient newClient(final UnaryOperator<ClientConfig.Builder> settings)
    {
        final RockletClient client = RockletClients.create(settings.apply(ClientConfig.builder()
            .routers(routerAddress).requestTimeout(Duration.ofSeconds(3))).build(), clientTransport);
        clients.add(client);
        return client;
    }

    @Override
    public synchronized void close()
    {
        clients.forEach(RockletClient::close);
        broker.close();
        brokerEndpoint.close();
        router.close();
        routerEndpoint.close();
        clientTransport.close();
        served.close();
    }
}

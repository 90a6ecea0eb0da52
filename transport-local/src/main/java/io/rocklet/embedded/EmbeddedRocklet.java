package io.rocklet.embedded;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.agent.AgentHost;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Credentials;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.client.RockletClients;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.store.FlushMode;
import io.rocklet.store.StoreConfig;
import io.rocklet.transport.local.LocalTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * A router and a broker wired by the local transport, in one call, with a client to make producers,
 * consumers and the admin interface:
 *
 * <pre>{@code
 * try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
 * {
 *     Producer producer = rocklet.newProducer("orders-app");
 *     producer.send(Message.of("orders", body));
 * }
 * }</pre>
 *
 * {@link #ephemeral()} keeps its data in a temporary directory removed on close;
 * {@link #persistent(Path)} keeps it in a directory that survives restarts. Everything made through it
 * is closed with it. Thread-safe.
 *
 * <p>The router, the broker and the broker's store hand their agents to one {@link AgentHost}: by default
 * ({@link AgentHost.ThreadingMode#SHARED}) a single daemon thread {@code rocklet-agents-<name>} runs them all, backing
 * off when idle and woken at once by appends; {@link Builder#threadingMode} gives each agent a thread of its own
 * (DEDICATED, for latency-sensitive hosts with cores to spare) or none (INVOKER: the caller runs {@link #doWork()}).
 */
public final class EmbeddedRocklet implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRocklet.class);

    private final String name;
    private final LocalTransport transport;
    private final AgentHost host;
    private final Router router;
    private final Broker broker;
    private final ClientConfig clientConfig;
    private final List<RockletClient> clients = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private RockletClient client;

    private EmbeddedRocklet(final String name, final LocalTransport transport, final AgentHost host,
        final Router router, final Broker broker, final ClientConfig clientConfig)
    {
        this.name = name;
        this.transport = transport;
        this.host = host;
        this.router = router;
        this.broker = broker;
        this.clientConfig = clientConfig;
    }

    /**
     * @return a started router and broker with their data in a temporary directory, removed on close.
     */
    public static EmbeddedRocklet ephemeral()
    {
        return builder().start();
    }

    /**
     * @param dataDirectory where the broker keeps its store and files (created if missing).
     * @return a started router and broker whose data survives restarts.
     */
    public static EmbeddedRocklet persistent(final Path dataDirectory)
    {
        return builder().dataDirectory(dataDirectory).start();
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return the shared client (made on first use, closed with this instance).
     */
    public synchronized RockletClient client()
    {
        checkOpen();
        if (client == null)
        {
            client = newClient();
        }
        return client;
    }

    /**
     * @return a new client of its own, as another application process would have; closed with this instance.
     */
    public synchronized RockletClient newClient()
    {
        checkOpen();
        final RockletClient created = RockletClients.create(clientConfig, transport);
        clients.add(created);
        return created;
    }

    /**
     * @param instanceName the client's {@link ClientConfig#instanceName()}: another application instance with a name
     *                     of its own (broadcasting consumers keep their offsets under it; give a restarted instance
     *                     the same name).
     * @return a new client of its own with that instance name; closed with this instance.
     */
    public synchronized RockletClient newClient(final String instanceName)
    {
        return newClient(instanceName, clientConfig.credentials());
    }

    /**
     * @param credentials what the client signs its calls with (null: none), when the instance runs with access
     *                    control ({@link Builder#accessControl}).
     * @return a new client of its own with those credentials; closed with this instance.
     */
    public synchronized RockletClient newClient(final Credentials credentials)
    {
        return newClient(clientConfig.instanceName(), credentials);
    }

    private synchronized RockletClient newClient(final String instanceName, final Credentials credentials)
    {
        checkOpen();
        final RockletClient created = RockletClients.create(ClientConfig.builder()
            .routers(clientConfig.routerAddresses())
            .requestTimeout(clientConfig.requestTimeout())
            .routeRefreshInterval(clientConfig.routeRefreshInterval())
            .heartbeatInterval(clientConfig.heartbeatInterval())
            .instanceName(instanceName)
            .credentials(credentials)
            .build(), transport);
        clients.add(created);
        return created;
    }

    public Producer newProducer(final String group)
    {
        return client().newProducer(ProducerConfig.builder(group).build());
    }

    public Producer newProducer(final ProducerConfig config)
    {
        return client().newProducer(config);
    }

    public PushConsumer newPushConsumer(final PushConsumerConfig config)
    {
        return client().newPushConsumer(config);
    }

    public PullConsumer newPullConsumer(final PullConsumerConfig config)
    {
        return client().newPullConsumer(config);
    }

    public Admin admin()
    {
        return client().admin();
    }

    /**
     * Creates (or updates) a topic with {@code queues} readable and writable queues.
     */
    public void createTopic(final String topic, final int queues)
    {
        admin().createTopic(TopicConfig.of(topic, queues));
    }

    public Broker broker()
    {
        return broker;
    }

    public Router router()
    {
        return router;
    }

    public LocalTransport transport()
    {
        return transport;
    }

    /**
     * @return the host that runs the router's, the broker's and the store's agents.
     */
    public AgentHost agentHost()
    {
        return host;
    }

    /**
     * With {@link AgentHost.ThreadingMode#INVOKER} ({@link Builder#threadingMode}), runs one duty cycle of every agent
     * (the store's dispatcher and housekeeper, the broker's, the router's) on the calling thread.
     *
     * @return the amount of work done.
     * @throws IllegalStateException when the agents run on threads.
     */
    public int doWork()
    {
        checkOpen();
        return host.invoke();
    }

    /**
     * @return the client configuration its clients use (routers, timeouts).
     */
    public ClientConfig clientConfig()
    {
        return clientConfig;
    }

    /**
     * Closes the clients (producers and consumers first), then the broker, the router, the transport and, once no
     * agent is left on it, the agent host's thread. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        final List<RockletClient> toClose;
        synchronized (this)
        {
            toClose = new ArrayList<>(clients);
            clients.clear();
        }
        for (final RockletClient each : toClose)
        {
            closeQuietly(each, "client");
        }
        closeQuietly(broker, "broker");
        closeQuietly(router, "router");
        transport.close();
        host.close();
    }

    @Override
    public String toString()
    {
        return "EmbeddedRocklet{" + name + '}';
    }

    private void checkOpen()
    {
        if (closed.get())
        {
            throw new io.rocklet.api.ClosedException("embedded rocklet closed: name=" + name);
        }
    }

    private static void closeQuietly(final AutoCloseable closeable, final String what)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception e)
        {
            LOG.warn("close failed: component={}, error={}", what, e.toString(), e);
        }
    }

    /**
     * Settings of an embedded router and broker; {@link #start()} starts them.
     */
    public static final class Builder
    {
        private String name = "rocklet";
        private Path dataDirectory;
        private FlushMode flushMode = FlushMode.ASYNC;
        private boolean autoCreateTopics = true;
        private List<Duration> delayLevels = BrokerConfig.DEFAULT_DELAY_LEVELS;
        private UnaryOperator<StoreConfig.Builder> store = UnaryOperator.identity();
        private UnaryOperator<BrokerConfig.Builder> brokerSettings = UnaryOperator.identity();
        private UnaryOperator<ClientConfig.Builder> clientSettings = UnaryOperator.identity();
        private AccessControl accessControl = AccessControl.OPEN;
        private Credentials memberCredentials;
        private AgentHost.ThreadingMode threadingMode = AgentHost.ThreadingMode.SHARED;

        private Builder()
        {
        }

        /**
         * @param mode how the agents of the router, the broker and its store run: SHARED (default: one thread
         *             {@code rocklet-agents-<name>} for all), DEDICATED (a thread per agent: lowest wake-up latency,
         *             four threads) or INVOKER (no thread: the caller runs {@link EmbeddedRocklet#doWork()}).
         * @return this builder.
         */
        public Builder threadingMode(final AgentHost.ThreadingMode mode)
        {
            this.threadingMode = mode;
            return this;
        }

        /**
         * @param name names the addresses ({@code local://router-<name>}, {@code local://broker-<name>}) and threads.
         */
        public Builder name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * @param directory where the data lives; without one the instance is ephemeral.
         */
        public Builder dataDirectory(final Path directory)
        {
            this.dataDirectory = directory;
            return this;
        }

        public Builder flushMode(final FlushMode mode)
        {
            this.flushMode = mode;
            return this;
        }

        /**
         * @param enable create a topic (4 queues) on its first send; default true.
         */
        public Builder autoCreateTopics(final boolean enable)
        {
            this.autoCreateTopics = enable;
            return this;
        }

        /**
         * @param levels the back-off of each delay level (retries use level 3 and up); default RocketMQ's 18.
         */
        public Builder delayLevels(final List<Duration> levels)
        {
            this.delayLevels = List.copyOf(levels);
            return this;
        }

        /**
         * @param settings adjusts the store's settings (segment size, retention...).
         */
        public Builder store(final UnaryOperator<StoreConfig.Builder> settings)
        {
            this.store = settings;
            return this;
        }

        /**
         * @param settings adjusts the broker's settings beyond the ones above.
         */
        public Builder broker(final UnaryOperator<BrokerConfig.Builder> settings)
        {
            this.brokerSettings = settings;
            return this;
        }

        /**
         * @param settings adjusts the clients' settings (timeouts, intervals).
         */
        public Builder client(final UnaryOperator<ClientConfig.Builder> settings)
        {
            this.clientSettings = settings;
            return this;
        }

        /**
         * Serves the router and the broker with access control (default none: {@link AccessControl#OPEN}); clients
         * then need credentials ({@link #client} with {@code ClientConfig.Builder#credentials}, or
         * {@link EmbeddedRocklet#newClient(Credentials)}).
         *
         * @param access the rules (for instance {@code io.rocklet.auth.Acl.fromFile(path)}).
         * @param member the broker's cluster-member identity for its registration with the router, or null.
         */
        public Builder accessControl(final AccessControl access, final Credentials member)
        {
            this.accessControl = access;
            this.memberCredentials = member;
            return this;
        }

        /**
         * @return the started router and broker.
         */
        public EmbeddedRocklet start()
        {
            if (name == null || name.isBlank() || !name.matches("[a-zA-Z0-9_-]+"))
            {
                throw new InvalidArgumentException("embedded rocklet: illegal name=" + name +
                    ", allowed=[a-zA-Z0-9_-]+");
            }
            final String routerAddress = LocalTransport.SCHEME + "router-" + name;
            final String brokerAddress = LocalTransport.SCHEME + "broker-" + name;
            final StoreConfig.Builder storeBuilder = dataDirectory == null ? StoreConfig.ephemeralBuilder() :
                StoreConfig.builder(dataDirectory.resolve("store"));
            final StoreConfig storeConfig = store.apply(storeBuilder.flushMode(flushMode)).build();
            final BrokerConfig.Builder brokerBuilder = BrokerConfig.builder()
                .brokerName("broker-" + name)
                .address(brokerAddress)
                .routers(routerAddress)
                .storeConfig(storeConfig)
                .autoCreateTopicEnable(autoCreateTopics)
                .delayLevels(delayLevels)
                .accessControl(accessControl)
                .credentials(memberCredentials);
            if (dataDirectory != null)
            {
                brokerBuilder.dataDirectory(dataDirectory.resolve("broker"));
            }
            final BrokerConfig brokerConfig = brokerSettings.apply(brokerBuilder).build();
            final ClientConfig clientConfig = clientSettings.apply(ClientConfig.builder().routers(routerAddress)
                .instanceName(name)).build();

            if (threadingMode == null)
            {
                throw new InvalidArgumentException("embedded rocklet: illegal threadingMode=null, allowed: " +
                    "DEDICATED, SHARED, INVOKER");
            }
            final AgentHost host = AgentHost.start(name, threadingMode);
            final LocalTransport transport = new LocalTransport();
            Router router = null;
            try
            {
                router = Router.start(RouterConfig.builder(routerAddress).accessControl(accessControl).build(),
                    transport, host);
                final Broker broker = Broker.start(brokerConfig, transport, host);
                return new EmbeddedRocklet(name, transport, host, router, broker, clientConfig);
            }
            catch (final RuntimeException e)
            {
                if (router != null)
                {
                    router.close();
                }
                transport.close();
                host.close();
                throw e;
            }
        }
    }
}

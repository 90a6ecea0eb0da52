package io.rocklet.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.agent.AgentHost;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.auth.User;
import io.rocklet.auth.Acl;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.controller.Controller;
import io.rocklet.controller.ControllerConfig;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.server.ServerSettings.AuthFiles;
import io.rocklet.server.ServerSettings.Role;
import io.rocklet.server.ServerSettings.TlsFiles;
import io.rocklet.store.FlushMode;
import io.rocklet.store.StoreConfig;
import io.rocklet.transport.grpc.GrpcBinding;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import io.rocklet.transport.grpc.TlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A standalone router, broker or failover controller served over gRPC, as {@link ServerMain} runs it: the transport, its listening
 * endpoint (port 0 binds a free port, {@link #address()} names it) and the router, broker or controller on it. A broker keeps
 * its store under {@code <data>/store} and its topics, offsets and delay state under {@code <data>/broker}; a
 * controller its Raft log and snapshots under {@code <data>/raft}.
 * A router or a broker hands its agents (a broker's store included) to the process's one {@link AgentHost}, whose
 * shared daemon thread {@code rocklet-agents-<role>} (e.g. {@code rocklet-agents-broker-b1}) runs them; a controller
 * runs its own. {@link #close()} stops serving, closes the router, broker or controller (a broker flushes and writes
 * its checkpoint), then the agent host and the transport. Thread-safe.
 */
public final class RockletServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(RockletServer.class);

    private final ServerSettings settings;
    private final GrpcTransport transport;
    private final AutoCloseable service;
    /** Runs the router's or the broker's agents; null for a controller. */
    private final AgentHost host;
    private final String address;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The registries when metrics are exported, else null. */
    private final ServerMetrics metrics;

    private RockletServer(final ServerSettings settings, final GrpcTransport transport, final AutoCloseable service,
        final AgentHost host, final String address, final ServerMetrics metrics)
    {
        this.metrics = metrics;
        this.settings = settings;
        this.transport = transport;
        this.service = service;
        this.host = host;
        this.address = address;
    }

    /**
     * Starts the server the settings describe.
     *
     * @throws io.rocklet.api.RockletException when the port cannot be bound, the TLS files cannot be read or the
     *                                         broker's data directory cannot be opened (e.g. another broker holds it).
     */
    public static RockletServer start(final ServerSettings settings)
    {
        final ServerMetrics metrics = settings.metrics().enabled() ? ServerMetrics.start(settings.metrics(),
            settings.host()) : null; // no Micrometer class is loaded without metrics options
        final GrpcTransport transport;
        try
        {
            transport = GrpcTransport.create(transportConfig(settings, metrics == null ? null : metrics.registry()));
        }
        catch (final RuntimeException e)
        {
            closeMetrics(metrics);
            throw e;
        }
        AgentHost host = null;
        try
        {
            final GrpcBinding endpoint = transport.listen(settings.address());
            final String address = endpoint.address();
            if (settings.metrics().otlp() != null)
            {
                metrics.push(settings.metrics().otlp(), resourceAttributes(settings, address)); // before the meters
            }
            final AccessControl access = accessControl(settings.auth());
            final AutoCloseable service;
            final CompletableFuture<Void> ready;
            switch (settings.role())
            {
                case ROUTER ->
                {
                    host = AgentHost.start("router", AgentHost.ThreadingMode.SHARED);
                    service = Router.start(RouterConfig.builder(address).brokerExpiry(settings.brokerExpiry())
                        .accessControl(access).build(), transport, host);
                    ready = CompletableFuture.completedFuture(null);
                }
                case BROKER ->
                {
                    final BrokerConfig.Builder config = brokerConfig(settings, address).toBuilder()
                        .accessControl(access).credentials(memberCredentials(access, settings.auth()));
                    if (metrics != null)
                    {
                        config.meterRegistry(metrics.registry());
                    }
                    final BrokerConfig built = config.build();
                    host = AgentHost.start("broker-" + built.brokerName().replaceAll("[^a-zA-Z0-9_.-]", "_"),
                        AgentHost.ThreadingMode.SHARED);
                    final Broker broker = Broker.start(built, transport, host); // recovers here
                    service = broker;
                    ready = broker.registered();
                }
                default ->
                {
                    warnOfOpenRaftPeers(settings);
                    service = Controller.start(controllerConfig(settings, address, access), transport);
                    ready = CompletableFuture.completedFuture(null);
                }
            }
            LOG.info("{} serving: address={}, tls={}, auth={}", settings.roleName(),
                address, describe(settings.tls()), settings.auth().enabled() ? settings.auth().rulesFile() : "none");
            ready.thenRun(() ->
            {
                endpoint.serving(true);
                LOG.info("{} ready: address={} (health SERVING{})", settings.roleName(), address,
                    settings.role() == Role.BROKER ? ", registered with a router" : "");
            });
            return new RockletServer(settings, transport, service, host, address, metrics);
        }
        catch (final RuntimeException e)
        {
            if (host != null)
            {
                host.close();
            }
            transport.close();
            closeMetrics(metrics);
            throw e;
        }
    }

    /**
     * @return the OTLP resource attributes of the server: {@code service.name} {@code rocklet-<role>},
     *     {@code service.instance.id} its address, and a broker's {@code rocklet.cluster}, {@code rocklet.broker.name}
     *     and {@code rocklet.broker.id}.
     */
    static Map<String, String> resourceAttributes(final ServerSettings settings, final String address)
    {
        final Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("service.name", "rocklet-" + settings.roleName());
        attributes.put("service.instance.id", address);
        if (settings.role() == Role.BROKER)
        {
            attributes.put("rocklet.cluster", settings.clusterName());
            attributes.put("rocklet.broker.name", settings.brokerName());
            attributes.put("rocklet.broker.id", Long.toString(settings.brokerId()));
        }
        return attributes;
    }

    /**
     * @return the server's metrics, or null without a metrics option.
     */
    ServerMetrics metrics()
    {
        return metrics;
    }

    private static void closeMetrics(final ServerMetrics metrics)
    {
        if (metrics != null)
        {
            metrics.close();
        }
    }

    /**
     * @return the port of the Prometheus endpoint ({@code --metrics-port}, the bound one for 0), or -1 without one.
     */
    public int metricsPort()
    {
        return metrics == null ? -1 : metrics.port();
    }

    /**
     * @return the address the server is reached at, with the port it bound.
     */
    public String address()
    {
        return address;
    }

    public ServerSettings settings()
    {
        return settings;
    }

    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        closeMetrics(metrics); // first: the last OTLP push and the scrape endpoint's end, before the meters go
        try
        {
            service.close();
        }
        catch (final Exception e)
        {
            LOG.error("closing the {} failed: address={}", settings.role(), address, e);
        }
        finally
        {
            if (host != null)
            {
                host.close();
            }
            transport.close();
        }
        LOG.info("{} stopped: address={}", settings.roleName(), address);
    }

    /**
     * A controller serves its controller service on the server's endpoint and keeps its Raft state under
     * {@code <data>/raft}.
     *
     * @param access who may call the controller service (with {@code --auth}: cluster members only change state).
     */
    static ControllerConfig controllerConfig(final ServerSettings settings, final String address,
        final AccessControl access)
    {
        final ServerSettings.ControllerOptions options = settings.controller();
        return ControllerConfig.builder(options.id())
            .peers(options.peers())
            .dataDirectory(settings.dataDirectory().resolve("raft"))
            .serviceAddress(address)
            .heartbeatTimeout(options.heartbeatTimeout())
            .allowUncleanElection(options.allowUncleanElection())
            .accessControl(access)
            .build();
    }

    /**
     * Raft's peer traffic (Ratis' own gRPC between controllers) is neither encrypted nor authenticated by Rocklet: it
     * is safe on loopback (controllers on one machine) or a private network only. Says so once at start when a peer
     * address is not a loopback address.
     */
    static boolean warnOfOpenRaftPeers(final ServerSettings settings)
    {
        final List<String> exposed = settings.controller().peers().values().stream()
            .filter(hostPort -> !loopback(hostPort.substring(0, hostPort.lastIndexOf(':')))).toList();
        if (exposed.isEmpty())
        {
            return false;
        }
        LOG.warn("controller raft peers are reached without TLS or authentication: peers={}; keep them on a " +
            "private network or firewall the raft ports to the other controllers (the controller service itself " +
            "is protected by --tls-* and --auth)", exposed);
        return true;
    }

    private static boolean loopback(final String host)
    {
        try
        {
            return InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (final UnknownHostException e)
        {
            return false;
        }
    }

    private static AccessControl accessControl(final AuthFiles auth)
    {
        return auth.enabled() ? Acl.fromFile(auth.rulesFile()) : AccessControl.OPEN;
    }

    /**
     * @return the credentials of the broker's member user in the rules file, or null without access control.
     * @throws InvalidArgumentException when the file has no member user of that name with a secret.
     */
    static Credentials memberCredentials(final AccessControl access, final AuthFiles auth)
    {
        if (!(access instanceof Acl acl) || auth.member() == null)
        {
            return null;
        }
        final User user = acl.rules().user(auth.member());
        if (user == null || user.kind() != User.Kind.MEMBER || user.secret() == null)
        {
            throw new InvalidArgumentException("--member names no cluster member with a secret in the rules file: " +
                "member=" + auth.member() + ", file=" + auth.rulesFile() + "; add 'user " + auth.member() +
                " kind=member secret=...'");
        }
        return new Credentials(user.name(), user.secret());
    }

    static BrokerConfig brokerConfig(final ServerSettings settings, final String address)
    {
        final BrokerConfig.Builder builder = BrokerConfig.builder()
            .clusterName(settings.clusterName())
            .brokerName(settings.brokerName())
            .brokerId(settings.brokerId())
            .address(address)
            .routers(settings.routers())
            .storeConfig(settings.storeOptions().applyTo(StoreConfig.builder(settings.dataDirectory().resolve("store"))
                .flushMode(settings.flushMode())
                .segmentSizeBytes(settings.segmentSizeBytes()))
                .build())
            .dataDirectory(settings.dataDirectory().resolve("broker"))
            .autoCreateTopicEnable(settings.autoCreateTopics())
            .replication(settings.replication());
        if (settings.transactions() != null)
        {
            builder.transactions(settings.transactions());
        }
        if (settings.maxDelay() != null)
        {
            builder.maxDelay(settings.maxDelay());
        }
        if (!settings.delayLevels().isEmpty())
        {
            builder.delayLevels(settings.delayLevels());
        }
        if (settings.offsetFlushInterval() != null)
        {
            builder.offsetPersistInterval(settings.offsetFlushInterval());
        }
        return builder.build();
    }

    /**
     * The transport's settings: TLS or plaintext as chosen, and handlers run on the event loop when the service never
     * blocks its calling thread (a router, or a broker with ASYNC flush; a SYNC-flush send waits for the disk).
     */
    static GrpcTransportConfig transportConfig(final ServerSettings settings)
    {
        return transportConfig(settings, null);
    }

    /**
     * @param registry where the servers' RPC meters go, or null for none.
     */
    static GrpcTransportConfig transportConfig(final ServerSettings settings, final MeterRegistry registry)
    {
        final TlsFiles tls = settings.tls();
        final GrpcTransportConfig.Builder builder = GrpcTransportConfig.builder()
            .inlineServerCalls(settings.role() != Role.BROKER || settings.flushMode() == FlushMode.ASYNC)
            .connectionIdleTimeout(settings.connections().idleTimeout())
            .maxConnections(settings.connections().maxConnections());
        if (registry != null)
        {
            builder.meterRegistry(registry);
        }
        if (tls.plaintext())
        {
            return builder.plaintext().build();
        }
        final TlsConfig.Builder tlsBuilder = TlsConfig.builder()
            .keyCertChain(tls.certificateChain(), tls.privateKey())
            .requireClientAuth(tls.requireClientAuth());
        if (tls.trustedCa() != null)
        {
            tlsBuilder.trustCertificates(tls.trustedCa());
        }
        return builder.tls(tlsBuilder.build()).build();
    }

    private static String describe(final TlsFiles tls)
    {
        if (tls.plaintext())
        {
            return "off (plaintext)";
        }
        return "on, certificate=" + tls.certificateChain() + (tls.trustedCa() == null ? "" : ", ca=" + tls.trustedCa()) +
            (tls.requireClientAuth() ? ", client certificates required" : "");
    }
}

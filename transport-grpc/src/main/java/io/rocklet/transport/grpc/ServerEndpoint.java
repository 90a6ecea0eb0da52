package io.rocklet.transport.grpc;

import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One listening gRPC server (Netty) and the services bound to it: a router, a broker, or both. Services are bound
 * and unbound while it runs; closing it unbinds them (ending their open watches) and stops the server, giving calls
 * in progress {@link GrpcTransportConfig#shutdownTimeout()} to finish. It holds at most
 * {@link GrpcTransportConfig#maxConnections()} connections ({@link CappedServerSocketChannel}), closes those idle for
 * {@link GrpcTransportConfig#connectionIdleTimeout()}, tells handlers which connection a call arrived on
 * ({@link ServerConnections}) and logs garbage connections in a few lines ({@link TransportFailureLog}).
 * Thread-safe.
 */
final class ServerEndpoint
{
    private static final Logger LOG = LoggerFactory.getLogger(ServerEndpoint.class);
    /** Servers accept client pings this often (a client pinging more often would be cut off as abusive). */
    private static final Duration MIN_PING_INTERVAL = Duration.ofSeconds(10);
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    /** Connections refused over the cap: at most one log line this often. */
    private static final long REFUSAL_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final Server server;
    private final ServiceRegistry registry;
    private final GrpcAddress address;
    private final Duration shutdownTimeout;
    private final Map<ServerServiceDefinition, Runnable> unbinders = new ConcurrentHashMap<>();
    private final AtomicInteger openConnections;
    private final HealthStatusManager health;
    /** Removes the RPC meters ({@link RpcMetrics}) when a registry is configured; else does nothing. */
    private final Runnable closeMetrics;
    private boolean serving;

    private ServerEndpoint(final Server server, final ServiceRegistry registry, final GrpcAddress address,
        final Duration shutdownTimeout, final AtomicInteger openConnections, final HealthStatusManager health,
        final Runnable closeMetrics)
    {
        this.closeMetrics = closeMetrics;
        this.server = server;
        this.health = health;
        this.openConnections = openConnections;
        this.registry = registry;
        this.address = address;
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * Binds and starts a server.
     *
     * @throws RockletException IO_ERROR when the address cannot be bound.
     */
    static ServerEndpoint start(final GrpcAddress requested, final GrpcTransportConfig config,
        final TransportThreads threads, final ServerCredentials credentials, final CallCounts counts)
    {
        TransportFailureLog.install();
        final ServiceRegistry registry = new ServiceRegistry();
        final ServerConnections connections = new ServerConnections();
        final long permitPingMs = Math.min(config.keepAliveTime().toMillis(), MIN_PING_INTERVAL.toMillis());
        final AtomicInteger open = new AtomicInteger();
        final RateLimitedLog refusals = new RateLimitedLog(LOG, REFUSAL_LOG_INTERVAL_NS, System::nanoTime);
        final HealthStatusManager health = new HealthStatusManager();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        final RpcMetrics metrics = config.meterRegistry() == null ? null :
            RpcMetrics.create(config.meterRegistry(), requested.toString()); // Micrometer only when configured
        final NettyServerBuilder builder = NettyServerBuilder
            .forAddress(new InetSocketAddress(requested.host(), requested.port()), credentials)
            .channelFactory(() -> new CappedServerSocketChannel(config.maxConnections(), open, refusals))
            .bossEventLoopGroup(threads.eventLoops())
            .workerEventLoopGroup(threads.eventLoops());
        if (config.inlineServerCalls())
        {
            builder.directExecutor(); // handlers run on the event loop: only for services that never block
        }
        else
        {
            builder.executor(threads.executor());
        }
        if (metrics != null)
        {
            builder.intercept(metrics); // added first: runs last, times the call as its handler sees it
        }
        final Server server = builder
            .addService(health.getHealthService())
            .fallbackHandlerRegistry(registry)
            .addTransportFilter(connections)
            .intercept(connections)
            .intercept(counts)
            .maxInboundMessageSize(config.maxInboundMessageBytes())
            .maxConcurrentCallsPerConnection(config.maxCallsPerConnection())
            .keepAliveTime(config.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveTimeout(config.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .permitKeepAliveTime(permitPingMs, TimeUnit.MILLISECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxConnectionIdle(config.connectionIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .handshakeTimeout(Math.min(HANDSHAKE_TIMEOUT_MS, config.connectionIdleTimeout().toMillis()),
                TimeUnit.MILLISECONDS) // a connection that does not even finish its handshake in that time is idle
            .build();
        try
        {
            server.start();
        }
        catch (final IOException e)
        {
            server.shutdownNow();
            if (metrics != null)
            {
                metrics.close();
            }
            throw new RockletException(ErrorCode.IO_ERROR, "cannot listen: address=" + requested + ", error=" + e, e);
        }
        final List<? extends SocketAddress> sockets = server.getListenSockets();
        final int port = sockets.get(0) instanceof InetSocketAddress bound ? bound.getPort() : requested.port();
        final GrpcAddress address = requested.withPort(port);
        registry.address(address.toString());
        if (metrics != null)
        {
            metrics.bound(address.toString(), open);
        }
        LOG.info("grpc server listening: address={}, tls={}, connectionIdleTimeoutMs={}, maxConnections={}", address,
            !config.plaintext(), config.connectionIdleTimeout().toMillis(), config.maxConnections());
        return new ServerEndpoint(server, registry, address, config.shutdownTimeout(), open, health,
            metrics == null ? () -> { } : metrics::close);
    }

    GrpcAddress address()
    {
        return address;
    }

    /**
     * @return connections accepted and not yet closed (refused ones never count).
     */
    int openConnections()
    {
        return openConnections.get();
    }

    /**
     * Serves {@code service} here until the returned binding closes.
     *
     * @param onUnbind runs after the service stops being served (ends its open streams).
     * @throws InvalidArgumentException when a service of that kind is served here already.
     */
    GrpcBinding bind(final String kind, final ServerServiceDefinition service, final Runnable onUnbind)
    {
        if (!registry.add(service))
        {
            throw new InvalidArgumentException("address already served: kind=" + kind + ", address=" + address);
        }
        final String serviceName = service.getServiceDescriptor().getName();
        final Runnable unbind = () ->
        {
            if (unbinders.remove(service) != null)
            {
                health.clearStatus(serviceName);
                registry.remove(service);
                onUnbind.run();
                LOG.info("grpc service unbound: kind={}, address={}", kind, address);
            }
        };
        unbinders.put(service, unbind);
        synchronized (this)
        {
            health.setStatus(serviceName, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
        LOG.info("grpc service bound: kind={}, address={}", kind, address);
        return new GrpcBinding(address, unbind);
    }

    /**
     * Sets what the health service answers for the server ("") and every service bound here.
     */
    synchronized void serving(final boolean ready)
    {
        if (ready == serving || server.isShutdown())
        {
            return;
        }
        serving = ready;
        final ServingStatus status = ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        unbinders.keySet().forEach(service -> health.setStatus(service.getServiceDescriptor().getName(), status));
        LOG.info("grpc health: address={}, status={}", address, status);
    }

    /**
     * Unbinds every service and stops the server. Idempotent.
     */
    void close()
    {
        synchronized (this)
        {
            health.enterTerminalState(); // NOT_SERVING to the end, for every service
        }
        List.copyOf(unbinders.values()).forEach(Runnable::run);
        if (server.isShutdown())
        {
            return;
        }
        server.shutdown();
        try
        {
            if (!server.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                server.shutdownNow();
                server.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        closeMetrics.run();
        LOG.info("grpc server stopped: address={}", address);
    }
}

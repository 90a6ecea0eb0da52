package io.rocklet.client.internal;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.api.spi.Transport;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link ClientContext} of one client: its id ({@code <host>@<instanceName>#<n>}, the process id standing in
 * for the default instance name; unique per instance in a JVM), a {@link RouterClient} (random router, failover), a route cache, broker stubs by address, the
 * heartbeats, and one daemon scheduler thread {@code rocklet-client-<id>} that refreshes routes every
 * route refresh interval and heartbeats every known broker every heartbeat interval.
 *
 * <p>Every remote call carries {@link ClientConfig#requestTimeout()} and fails with TIMEOUT after it.
 * Routes: see {@link RouteCache} (an aged route is served at once while a fetch runs in the background; an
 * invalidated one is fetched again first). Thread-safe; the scheduler thread only starts non-blocking calls.
 * The transport is the caller's: {@link #close()} does not close it.
 */
public final class DefaultClientContext implements ClientContext, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DefaultClientContext.class);
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final String clientId;
    private final ClientConfig config;
    private final NanoClock clock;
    private final Transport transport;
    private final ScheduledThreadPoolExecutor scheduler;
    private final RouterClient routers;
    private final RouteCache routes;
    private final Heartbeats heartbeats;
    private final ConcurrentHashMap<String, BrokerService> stubs = new ConcurrentHashMap<>();
    /** Per queue, the replica its last pull answer suggested (absent: the master). */
    private final ConcurrentHashMap<MessageQueue, Long> suggestedReplicas = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts a context: routers are asked from a random one on, timers start now.
     */
    public DefaultClientContext(final ClientConfig config, final Transport transport)
    {
        this(config, transport, SystemNanoClock.INSTANCE, -1);
    }

    /**
     * @param clock       monotonic clock for route ages and the consumers' timeouts.
     * @param firstRouter index of the router asked first, or -1 for a random one.
     */
    DefaultClientContext(final ClientConfig config, final Transport transport, final NanoClock clock,
        final int firstRouter)
    {
        if (config == null || transport == null)
        {
            throw new InvalidArgumentException("cannot create client: config=" + config + ", transport=" + transport);
        }
        this.config = config;
        this.clock = clock;
        this.transport = transport;
        final String instance = ClientConfig.DEFAULT_INSTANCE_NAME.equals(config.instanceName()) ?
            Long.toString(ProcessHandle.current().pid()) : config.instanceName();
        this.clientId = hostName() + "@" + instance + "#" + INSTANCES.incrementAndGet();
        final int first = firstRouter >= 0 ? firstRouter :
            ThreadLocalRandom.current().nextInt(config.routerAddresses().size());
        this.routers = new RouterClient(config.routerAddresses(), transport, config.credentials(),
            config.requestTimeout(), first);
        final long timeoutNs = config.requestTimeout().toNanos();
        this.heartbeats = new Heartbeats(clientId, timeoutNs, this::brokerAt, this::knownBrokerRoutes);
        this.routes = new RouteCache(routers, clock, config.routeRefreshInterval().toNanos(), heartbeats::send);
        final String threadName = "rocklet-client-" + clientId;
        this.scheduler = new ScheduledThreadPoolExecutor(1, task ->
        {
            final Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        final long refreshMs = config.routeRefreshInterval().toMillis();
        final long heartbeatMs = config.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::refreshRoutes, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::heartbeatTick, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        LOG.info("client started: clientId={}, routers={}, requestTimeoutMs={}", clientId, config.routerAddresses(),
            config.requestTimeout().toMillis());
    }

    @Override
    public String clientId()
    {
        return clientId;
    }

    @Override
    public NanoClock nanoClock()
    {
        return clock;
    }

    @Override
    public ClientConfig config()
    {
        return config;
    }

    @Override
    public Transport transport()
    {
        return transport;
    }

    @Override
    public ScheduledExecutorService scheduler()
    {
        return scheduler;
    }

    @Override
    public CompletableFuture<TopicRoute> route(final String topic)
    {
        if (closed.get())
        {
            return CompletableFuture.failedFuture(new ClosedException("client closed: clientId=" + clientId +
                ", topic=" + topic));
        }
        if (topic == null)
        {
            return CompletableFuture.failedFuture(new InvalidArgumentException("route of topic=null"));
        }
        return routes.route(topic);
    }

    @Override
    public void invalidateRoute(final String topic)
    {
        routes.invalidate(topic);
    }

    @Override
    public List<MessageQueue> writeQueues(final TopicRoute route)
    {
        return routes.writeQueues(route);
    }

    @Override
    public List<MessageQueue> readQueues(final TopicRoute route)
    {
        return routes.readQueues(route);
    }

    @Override
    public BrokerService broker(final String brokerName)
    {
        final BrokerRoute route = routes.broker(brokerName);
        final String master = route == null ? null : route.masterAddress();
        if (master != null)
        {
            return brokerAt(master);
        }
        final String slave = route == null ? null : route.addresses().entrySet().stream()
            .filter(member -> member.getKey() > 0).min(Map.Entry.comparingByKey()).map(Map.Entry::getValue)
            .orElse(null);
        if (slave == null)
        {
            throw new RockletException(ErrorCode.NO_ROUTE, "no master known for broker: brokerName=" + brokerName +
                ", knownBrokers=" + routes.brokerNames());
        }
        return brokerAt(slave);
    }

    @Override
    public BrokerService pullBroker(final MessageQueue queue)
    {
        final Long suggested = suggestedReplicas.get(queue);
        if (suggested != null && suggested > 0)
        {
            final BrokerRoute route = routes.broker(queue.brokerName());
            final String replica = route == null ? null : route.addresses().get(suggested);
            if (replica != null)
            {
                return brokerAt(replica);
            }
        }
        return broker(queue.brokerName());
    }

    @Override
    public void suggestBroker(final MessageQueue queue, final long brokerId)
    {
        if (brokerId > 0)
        {
            suggestedReplicas.put(queue, brokerId);
        }
        else
        {
            suggestedReplicas.remove(queue);
        }
    }

    @Override
    public List<String> knownBrokers()
    {
        return routes.brokerNames();
    }

    @Override
    public CompletableFuture<Void> registerConsumer(final ConsumerRegistration registration)
    {
        if (registration == null)
        {
            return CompletableFuture.failedFuture(new InvalidArgumentException("register consumer: registration=null"));
        }
        return heartbeats.registerConsumer(registration);
    }

    @Override
    public CompletableFuture<Void> unregisterConsumer(final String group)
    {
        return heartbeats.unregisterConsumer(group);
    }

    @Override
    public void registerProducer(final String group)
    {
        heartbeats.registerProducer(group);
    }

    @Override
    public void unregisterProducer(final String group)
    {
        heartbeats.unregisterProducer(group);
    }

    @Override
    public CompletableFuture<Void> heartbeatNow()
    {
        return heartbeats.sendToAll();
    }

    /**
     * @return a stub for the broker at {@code address} (one per address, reused).
     */
    public BrokerService brokerAt(final String address)
    {
        return stubs.computeIfAbsent(address, a -> transport.broker(a, config.credentials()));
    }

    /**
     * @return the routers of this client (cluster info for the admin and for sends to topics no router knows).
     */
    public RouterClient routers()
    {
        return routers;
    }

    /**
     * @return the replica set of {@code brokerName} from the routes seen so far, or null.
     */
    public BrokerRoute brokerRoute(final String brokerName)
    {
        return routes.broker(brokerName);
    }

    /**
     * @return what a heartbeat sent now would carry.
     */
    public ClientHeartbeat currentHeartbeat()
    {
        return heartbeats.heartbeat();
    }

    /**
     * @return true once {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Stops the timers. Idempotent. Producers and consumers unregister themselves before this.
     */
    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            scheduler.shutdownNow();
            LOG.info("client closed: clientId={}", clientId);
        }
    }

    @Override
    public String toString()
    {
        return "DefaultClientContext{clientId=" + clientId + '}';
    }

    /**
     * Fetches every cached route again (the periodic refresh).
     */
    CompletableFuture<Void> refreshRoutes()
    {
        try
        {
            return routes.refreshAll();
        }
        catch (final RuntimeException e)
        {
            LOG.warn("route refresh failed: clientId={}", clientId, e);
            return CompletableFuture.completedFuture(null);
        }
    }

    private void heartbeatTick()
    {
        try
        {
            heartbeats.sendToAll();
        }
        catch (final RuntimeException e)
        {
            LOG.warn("heartbeat failed: clientId={}", clientId, e);
        }
    }

    private Collection<BrokerRoute> knownBrokerRoutes()
    {
        return routes.brokers();
    }

    private static String hostName()
    {
        final String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank())
        {
            return host;
        }
        final String computer = System.getenv("COMPUTERNAME");
        return computer != null && !computer.isBlank() ? computer : "localhost";
    }
}

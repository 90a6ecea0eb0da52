package io.rocklet.router;

import io.rocklet.api.auth.AccessManagement;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.agent.AgentHost;
import io.rocklet.api.agent.Idle;
import io.rocklet.api.spi.AccessService;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;
import io.rocklet.controller.Controller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The router (RocketMQ's NameServer): brokers register with every router and re-register periodically
 * with their full topic list; clients ask for topic routes and cluster information. A broker silent for
 * longer than {@link RouterConfig#brokerExpiry()} is removed; an orderly unregistration removes it at once, and
 * so does the transport reporting that its last connection closed ({@link #brokerDisconnected}). Routers never
 * talk to each other: each holds the full table (available and partition-tolerant), so several may run side by
 * side.
 *
 * <p>Start one with {@link #start(RouterConfig, Transport)}, which serves it at the configured address. A router may
 * embed a failover {@link Controller} ({@link RouterConfig.Builder#controller}); Apache Ratis must then be on the class
 * path (routing declares it optional).
 *
 * <p>Thread-safe. The table is guarded by its own monitor (short critical sections, no I/O); requests run on
 * the transport's threads and complete before returning. The expiry scan is an agent: on a daemon thread
 * {@code rocklet-router-<name>} that sleeps between checks, in INVOKER mode in {@link #doWork()}, or on the
 * {@link AgentHost} given to {@link #start(RouterConfig, Transport, AgentHost)} (an embedded instance's shared thread).
 */
public final class Router implements RouterService, AccessService.Delegating, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final long MAX_IDLE_SLEEP_MS = 10;

    private final RouterConfig config;
    private final BrokerTable table = new BrokerTable();
    /** Runs the expiry scan: the given host or {@link #ownHost}. */
    private final AgentHost host;
    /** The host the router made for itself (closed with it), or null when it was given one. */
    private final AgentHost ownHost;
    private final ExpiryScanner scanner;
    private volatile AgentHost.Agents agents;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Binding binding;
    /** The embedded failover controller ({@link RouterConfig#controller()}), or null. */
    private volatile Controller controller;

    private Router(final RouterConfig config, final AgentHost givenHost)
    {
        this.config = config;
        final String roleName = "rocklet-router-" + shortName(config.address());
        this.scanner = new ExpiryScanner(table, config, roleName);
        this.ownHost = givenHost != null ? null : AgentHost.start(
            "router-" + shortName(config.address()).replaceAll("[^a-zA-Z0-9_.-]", "_"),
            config.threadingMode() == RouterConfig.ThreadingMode.DEDICATED ? AgentHost.ThreadingMode.DEDICATED :
                AgentHost.ThreadingMode.INVOKER);
        this.host = givenHost != null ? givenHost : ownHost;
    }

    /**
     * Starts a router and serves it at {@link RouterConfig#address()} on {@code transport}.
     *
     * @throws RockletException when the address cannot be served (already in use, illegal for the transport).
     */
    public static Router start(final RouterConfig config, final Transport transport)
    {
        return start(config, transport, null);
    }

    /**
     * Starts a router as {@link #start(RouterConfig, Transport)} does, with its expiry scan on {@code host} instead of
     * a thread of its own: the host's threading mode replaces {@link RouterConfig#threadingMode()}. Closing the router
     * takes its agent off the host and leaves the host running.
     *
     * @param host the host that runs the scan, or null for a thread of the router's own.
     * @throws RockletException when the address cannot be served (already in use, illegal for the transport).
     */
    public static Router start(final RouterConfig config, final Transport transport, final AgentHost host)
    {
        if (config == null || transport == null)
        {
            throw new InvalidArgumentException("cannot start router: config=" + config + ", transport=" + transport);
        }
        final Router router = new Router(config, host);
        router.startAgent();
        try
        {
            router.binding = transport.serve(config.address(), router, config.accessControl());
            if (config.controller() != null)
            {
                router.controller = Controller.start(config.controller(), transport);
            }
        }
        catch (final RuntimeException e)
        {
            router.close();
            throw e;
        }
        LOG.info("router started: address={}, brokerExpiryMs={}, scanIntervalMs={}, threadingMode={}",
            router.binding.address(), config.brokerExpiry().toMillis(), config.scanInterval().toMillis(),
            config.threadingMode());
        return router;
    }

    /**
     * @return the address the router is served at: for a network transport asked for port 0, with the port it
     *     bound.
     */
    public String address()
    {
        final Binding bound = binding;
        return bound == null ? config.address() : bound.address();
    }

    /**
     * Runs the expiry scan once if it is due (INVOKER mode only).
     *
     * @return the amount of work done (0 when no scan was due or the router is closed).
     */
    public int doWork()
    {
        if (host.mode() != AgentHost.ThreadingMode.INVOKER)
        {
            throw new IllegalStateException("doWork() is for ThreadingMode.INVOKER; router " + config.address() +
                " runs " + (ownHost != null ? config.threadingMode() : host));
        }
        final AgentHost.Agents started = agents;
        return started == null || closed.get() ? 0 : started.invoke();
    }

    @Override
    public CompletableFuture<RegistrationResult> registerBroker(final BrokerRegistration registration)
    {
        if (closed.get())
        {
            return closedFuture();
        }
        if (registration == null || !valid(registration.broker()))
        {
            return CompletableFuture.failedFuture(new InvalidArgumentException("illegal broker registration: router=" +
                config.address() + ", registration=" + registration));
        }
        final BrokerIdentity broker = registration.broker();
        final boolean known = table.isRegistered(broker.brokerName(), broker.brokerId());
        final String otherMaster = broker.brokerId() == 0 ? table.memberAddress(broker.brokerName(), 0) : null;
        if (otherMaster != null && !otherMaster.equals(broker.address()) &&
            registration.masterEpoch() > table.memberEpoch(broker.brokerName(), 0) &&
            table.memberEpoch(broker.brokerName(), 0) > 0)
        {
            // failover: the controllers made a new master (a higher epoch); the old one may be dead, not yet expired
            LOG.info("master replaced by a newer epoch: router={}, brokerName={}, old={}, new={}, epoch={}",
                config.address(), broker.brokerName(), otherMaster, broker.address(), registration.masterEpoch());
        }
        else if (otherMaster != null && !otherMaster.equals(broker.address()))
        {
            LOG.warn("second master of a replica set refused: router={}, brokerName={}, registered={}, refused={}",
                config.address(), broker.brokerName(), otherMaster, broker.address());
            return CompletableFuture.failedFuture(new RockletException(ErrorCode.REPLICA_MISMATCH, "a second master " +
                "of a replica set refused: router=" + config.address() + ", brokerName=" + broker.brokerName() +
                ", registeredMaster=" + otherMaster + ", refused=" + broker.address() + "; the registered master " +
                "must unregister, disconnect or expire first"));
        }
        final String master = table.register(registration, config.clock().time());
        if (!known)
        {
            LOG.info("broker registered: router={}, cluster={}, brokerName={}, brokerId={}, address={}, topics={}",
                config.address(), broker.clusterName(), broker.brokerName(), broker.brokerId(), broker.address(),
                registration.topics().stream().map(TopicConfig::name).toList());
        }
        return CompletableFuture.completedFuture(new RegistrationResult(master));
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(final BrokerIdentity broker)
    {
        if (closed.get())
        {
            return closedFuture();
        }
        if (!valid(broker))
        {
            return CompletableFuture.failedFuture(new InvalidArgumentException("illegal broker identity: router=" +
                config.address() + ", broker=" + broker));
        }
        if (table.unregister(broker, config.clock().time()))
        {
            LOG.info("broker unregistered: router={}, cluster={}, brokerName={}, brokerId={}, address={}",
                config.address(), broker.clusterName(), broker.brokerName(), broker.brokerId(), broker.address());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void brokerDisconnected(final BrokerIdentity broker)
    {
        if (closed.get() || !valid(broker))
        {
            return;
        }
        if (table.disconnect(broker, config.clock().time()))
        {
            LOG.info("broker evicted, connection closed: router={}, cluster={}, brokerName={}, brokerId={}, " +
                "address={}", config.address(), broker.clusterName(), broker.brokerName(), broker.brokerId(),
                broker.address());
        }
    }

    @Override
    public CompletableFuture<TopicRoute> queryRoute(final String topic)
    {
        if (closed.get())
        {
            return closedFuture();
        }
        if (topic == null || topic.isEmpty())
        {
            return CompletableFuture.failedFuture(new InvalidArgumentException("illegal route query: router=" +
                config.address() + ", field=topic, topic=" + (topic == null ? "null" : "''")));
        }
        final TopicRoute route = table.route(topic);
        if (route == null)
        {
            return CompletableFuture.failedFuture(new RockletException(ErrorCode.TOPIC_NOT_FOUND,
                "no broker has the topic: router=" + config.address() + ", topic=" + topic));
        }
        return CompletableFuture.completedFuture(route);
    }

    @Override
    public CompletableFuture<ClusterInfo> clusterInfo()
    {
        if (closed.get())
        {
            return closedFuture();
        }
        return CompletableFuture.completedFuture(table.clusterInfo());
    }

    @Override
    public CompletableFuture<List<RegisteredBroker>> registeredBrokers()
    {
        if (closed.get())
        {
            return closedFuture();
        }
        return CompletableFuture.completedFuture(table.registeredBrokers());
    }

    // ---- users and policies (AccessService.Delegating): this router's own rules, see BrokerConfig/RouterConfig.accessControl

    /**
     * @return this router's own users and policies ({@code accessControl} of its configuration), which the
     *     {@link io.rocklet.api.spi.AccessService} operations manage.
     */
    @Override
    public AccessService accessService()
    {
        return new AccessManagement(config.accessControl());
    }

    /**
     * @return the failover controller this router embeds, or null when {@link RouterConfig#controller()} is not set.
     */
    public Controller controller()
    {
        return controller;
    }

    /**
     * Stops serving, the embedded controller (if any) and the scan thread. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        final Controller embedded = controller;
        if (embedded != null)
        {
            embedded.close();
        }
        final Binding served = binding;
        if (served != null)
        {
            served.close();
        }
        final AgentHost.Agents started = agents;
        if (started != null)
        {
            started.close();
        }
        if (ownHost != null)
        {
            ownHost.close();
        }
        LOG.info("router closed: address={}", config.address());
    }

    @Override
    public String toString()
    {
        return "Router{address=" + config.address() + '}';
    }

    private void startAgent()
    {
        final long sleepMs = Math.max(1, Math.min(MAX_IDLE_SLEEP_MS, config.scanInterval().toMillis()));
        agents = host.add(Idle.sleeping(sleepMs), (role, e) -> LOG.error("router scan failed: address={}, error={}",
            config.address(), e.toString(), e), scanner);
    }

    private <T> CompletableFuture<T> closedFuture()
    {
        return CompletableFuture.failedFuture(new ClosedException("router closed: address=" + config.address()));
    }

    private static boolean valid(final BrokerIdentity broker)
    {
        return broker != null && broker.clusterName() != null && broker.brokerName() != null &&
            broker.address() != null && broker.brokerId() >= 0;
    }

    private static String shortName(final String address)
    {
        final int scheme = address.indexOf("://");
        return scheme < 0 ? address : address.substring(scheme + 3);
    }
}

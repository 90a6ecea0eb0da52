package io.rocklet.broker.internal;

import io.rocklet.api.auth.Credentials;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.Transport;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps the broker registered with every router: a registration carrying the full topic list and its data version
 * at start, every register interval (the heartbeat), and as soon as the topics change - from the broker agent, or at
 * once from an admin call ({@link #registerNow()}), so that a topic an administrator created is routable when the
 * call returns. Registrations go out under this object's monitor, so routers see them in order. A router that fails
 * is logged once until it answers again.
 */
public final class RouterRegistrar
{
    private static final Logger LOG = LoggerFactory.getLogger(RouterRegistrar.class);

    private final List<Router> routers = new ArrayList<>();
    private volatile BrokerIdentity identity;
    private final TopicConfigStore topics;
    private final NanoClock nanoClock;
    private final long intervalNs;
    private long registeredVersion = -1;
    /** Completes when the routers answered the registration of {@code registeredVersion}. */
    private CompletableFuture<Void> lastRegistration = CompletableFuture.completedFuture(null);
    private long nextRegistrationNs;
    /** The master epoch registrations carry (0 without failover controllers). */
    private volatile LongSupplier masterEpoch = () -> 0;
    /** Completes when a router first accepted a registration (at once without routers). */
    private final CompletableFuture<Void> firstAccepted = new CompletableFuture<>();

    /** One router and whether its last call failed. */
    private static final class Router
    {
        final String address;
        final RouterService service;
        volatile boolean failing;

        Router(final String address, final RouterService service)
        {
            this.address = address;
            this.service = service;
        }
    }

    /**
     * @param credentials the broker's cluster-member identity its calls are signed with, or null.
     */
    public RouterRegistrar(final Transport transport, final List<String> addresses, final Credentials credentials,
        final BrokerIdentity identity, final TopicConfigStore topics, final NanoClock nanoClock, final long intervalNs)
    {
        for (final String address : addresses)
        {
            routers.add(new Router(address, transport.router(address, credentials)));
        }
        this.identity = identity;
        this.topics = topics;
        this.nanoClock = nanoClock;
        this.intervalNs = intervalNs;
        if (routers.isEmpty())
        {
            firstAccepted.complete(null);
        }
    }

    /**
     * @return completes once a router accepted the broker's registration (at once for a broker without routers):
     *     clients can find the broker from then on.
     */
    public CompletableFuture<Void> firstAccepted()
    {
        return firstAccepted;
    }

    /**
     * Registers as {@code bound} from now on: the identity with the address the transport actually bound (a
     * network transport asked for port 0 binds another). Call before the first registration.
     */
    public void identity(final BrokerIdentity bound)
    {
        identity = bound;
    }

    /**
     * @param epoch the master epoch every registration carries from now on (a broker under failover controllers).
     */
    public void masterEpoch(final LongSupplier epoch)
    {
        masterEpoch = epoch;
    }

    /**
     * Registers as {@code next} from now on, at once (a role change: the routers replace the broker's entry at its
     * address).
     *
     * @return completes when every router answered (successfully or not).
     */
    public synchronized CompletableFuture<Void> reregister(final BrokerIdentity next)
    {
        identity = next;
        return register(nanoClock.nanoTime());
    }

    /**
     * Registers with every router when the topics changed since the last registration or the interval passed.
     *
     * @return 1 when it registered, else 0.
     */
    public synchronized int registerIfDue()
    {
        final long nowNs = nanoClock.nanoTime();
        if (topics.dataVersion() == registeredVersion && nowNs - nextRegistrationNs < 0)
        {
            return 0;
        }
        register(nowNs);
        return 1;
    }

    /**
     * Registers with every router now, unless the current topics are registered already.
     *
     * @return completes when every router answered (successfully or not).
     */
    public synchronized CompletableFuture<Void> registerNow()
    {
        if (topics.dataVersion() == registeredVersion)
        {
            return lastRegistration; // the agent registered this version already: wait for its answers
        }
        return register(nanoClock.nanoTime());
    }

    private CompletableFuture<Void> register(final long nowNs)
    {
        nextRegistrationNs = nowNs + intervalNs;
        final long version = topics.dataVersion();
        final BrokerRegistration registration = new BrokerRegistration(identity, topics.all(), version,
            masterEpoch.getAsLong());
        registeredVersion = version;
        final List<CompletableFuture<?>> calls = new ArrayList<>(routers.size());
        for (final Router router : routers)
        {
            calls.add(call(router, "register", () -> router.service.registerBroker(registration))
                .thenRun(() -> firstAccepted.complete(null)));
        }
        lastRegistration = CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
            .handle((done, error) -> null);
        return lastRegistration;
    }

    /**
     * Tells every router the broker is leaving, waiting at most {@code waitMs} for their answers in all.
     */
    public void unregister(final long waitMs)
    {
        final List<CompletableFuture<?>> calls = new ArrayList<>();
        for (final Router router : routers)
        {
            calls.add(call(router, "unregister", () -> router.service.unregisterBroker(identity)));
        }
        try
        {
            CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(waitMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException e)
        {
            LOG.debug("not every router confirmed the unregistration: broker={}, error={}", identity.brokerName(),
                e.toString());
        }
    }

    private CompletableFuture<?> call(final Router router, final String what,
        final Supplier<CompletableFuture<?>> request)
    {
        CompletableFuture<?> future;
        try
        {
            future = request.get();
        }
        catch (final RuntimeException e)
        {
            future = CompletableFuture.failedFuture(e);
        }
        return future.whenComplete((ok, error) ->
        {
            if (error != null && !router.failing)
            {
                router.failing = true;
                final Throwable cause = error instanceof CompletionException && error.getCause() != null ?
                    error.getCause() : error;
                LOG.warn("router call failed: call={}, router={}, broker={}, error={}", what, router.address,
                    identity.brokerName(), cause.toString());
            }
            else if (error == null && router.failing)
            {
                router.failing = false;
                LOG.info("router answers again: call={}, router={}, broker={}", what, router.address,
                    identity.brokerName());
            }
        });
    }
}

package io.rocklet.transport.local;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.auth.Signer;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerLinks;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.Transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The in-JVM transport: services are registered under addresses like {@code local://router-1} and
 * called directly, with no sockets and no copies of messages. Each instance is its own address space,
 * so independent setups in one JVM (parallel tests) do not see each other. Stubs look the address up
 * on every call, so a service may be served, closed and served again (a restarted broker).
 *
 * <p>A broker's binding is its connection: a broker that registered with a router served here and then stops being
 * served (closed, or dropped without unregistering) is reported to that router at once
 * ({@link RouterService#brokerDisconnected}), as a closed network connection is by the gRPC transport.
 *
 * <p>Access control: a service served with an enabled {@link AccessControl} is reached only through the transport's
 * one choke point ({@link Served#view}): every call of a stub made with credentials is signed exactly as over gRPC,
 * then authenticated and authorized before the service sees it; a stub without credentials calls anonymously.
 * Thread-safe.
 */
public final class LocalTransport implements Transport
{
    /** Addresses of this transport start with this scheme. */
    public static final String SCHEME = "local://";

    private final ConcurrentHashMap<String, Served<RouterService>> routers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Served<BrokerService>> brokers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Served<ControllerService>> controllers = new ConcurrentHashMap<>();
    /** Per served router: the brokers that registered with it, by broker address (the link). */
    private final ConcurrentHashMap<String, BrokerLinks<String>> routerLinks = new ConcurrentHashMap<>();
    private volatile boolean closed;

    @Override
    public RouterService router(final String address)
    {
        return router(address, null);
    }

    @Override
    public RouterService router(final String address, final Credentials credentials)
    {
        checkAddress(address);
        final Signer signer = credentials == null ? null : new Signer(credentials);
        return new LocalRouterStub(() -> target(routers, address, "router").view(signer),
            broker -> registered(address, broker));
    }

    @Override
    public BrokerService broker(final String address)
    {
        return broker(address, null);
    }

    @Override
    public BrokerService broker(final String address, final Credentials credentials)
    {
        checkAddress(address);
        final Signer signer = credentials == null ? null : new Signer(credentials);
        return new LocalBrokerStub(() -> target(brokers, address, "broker").view(signer));
    }

    @Override
    public ControllerService controller(final String address)
    {
        return controller(address, null);
    }

    @Override
    public ControllerService controller(final String address, final Credentials credentials)
    {
        checkAddress(address);
        final Signer signer = credentials == null ? null : new Signer(credentials);
        return new LocalControllerStub(() -> target(controllers, address, "controller").view(signer));
    }

    @Override
    public Binding serve(final String address, final RouterService service)
    {
        return serve(address, service, AccessControl.OPEN);
    }

    @Override
    public Binding serve(final String address, final BrokerService service)
    {
        return serve(address, service, AccessControl.OPEN);
    }

    @Override
    public Binding serve(final String address, final RouterService service, final AccessControl access)
    {
        final Binding binding = bind(routers, address, new Served<>(RouterService.class, service, access), "router");
        final BrokerLinks<String> links = new BrokerLinks<>(service);
        routerLinks.put(address, links);
        return binding(address, () ->
        {
            binding.close();
            routerLinks.remove(address, links);
        });
    }

    @Override
    public Binding serve(final String address, final BrokerService service, final AccessControl access)
    {
        final Served<BrokerService> served = new Served<>(BrokerService.class, service, access);
        bind(brokers, address, served, "broker");
        return binding(address, () ->
        {
            if (brokers.remove(address, served)) // not again, nor once another broker is served there
            {
                routerLinks.values().forEach(links -> links.closed(address));
            }
        });
    }

    @Override
    public Binding serve(final String address, final ControllerService service)
    {
        return serve(address, service, AccessControl.OPEN);
    }

    @Override
    public Binding serve(final String address, final ControllerService service, final AccessControl access)
    {
        return bind(controllers, address, new Served<>(ControllerService.class, service, access), "controller");
    }

    @Override
    public void close()
    {
        closed = true;
        routers.clear();
        brokers.clear();
        controllers.clear();
        routerLinks.clear();
    }

    @Override
    public String toString()
    {
        return "LocalTransport{routers=" + routers.keySet() + ", brokers=" + brokers.keySet() + ", controllers=" +
            controllers.keySet() + '}';
    }

    /**
     * A router served here took a registration: links the broker to its binding, if it is served here.
     */
    private void registered(final String routerAddress, final BrokerIdentity broker)
    {
        final BrokerLinks<String> links = routerLinks.get(routerAddress);
        if (links == null || !brokers.containsKey(broker.address()))
        {
            return; // not a broker of this transport: only its registrations' expiry removes it
        }
        links.registered(broker.address(), broker);
        if (!brokers.containsKey(broker.address()))
        {
            links.closed(broker.address()); // it stopped being served while it registered
        }
    }

    /**
     * Runs a call on a service found through {@code target}, turning every failure into a failed future.
     */
    static <T> CompletableFuture<T> call(final Supplier<CompletableFuture<T>> call)
    {
        try
        {
            final CompletableFuture<T> result = call.get();
            return result != null ? result : CompletableFuture.failedFuture(
                new RockletException(ErrorCode.INTERNAL_ERROR, "service returned no future"));
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <S> S target(final ConcurrentHashMap<String, S> services, final String address, final String kind)
    {
        if (closed)
        {
            throw new ClosedException("local transport closed: address=" + address);
        }
        final S service = services.get(address);
        if (service == null)
        {
            throw new RockletException(ErrorCode.BROKER_UNAVAILABLE, "nothing served at address: kind=" + kind +
                ", address=" + address);
        }
        return service;
    }

    /** A binding of {@code address} that runs {@code close} when closed. */
    private static Binding binding(final String address, final Runnable close)
    {
        return new Binding()
        {
            @Override
            public String address()
            {
                return address;
            }

            @Override
            public void close()
            {
                close.run();
            }
        };
    }

    private <S> Binding bind(final ConcurrentHashMap<String, Served<S>> services, final String address,
        final Served<S> service, final String kind)
    {
        checkAddress(address);
        if (service.service() == null)
        {
            throw new InvalidArgumentException("cannot serve null: kind=" + kind + ", address=" + address);
        }
        if (closed)
        {
            throw new ClosedException("local transport closed: address=" + address);
        }
        if (services.putIfAbsent(address, service) != null)
        {
            throw new InvalidArgumentException("address already served: kind=" + kind + ", address=" + address);
        }
        return binding(address, () -> services.remove(address, service));
    }

    private static void checkAddress(final String address)
    {
        if (address == null || !address.startsWith(SCHEME) || address.length() == SCHEME.length())
        {
            throw new InvalidArgumentException("illegal local address: address=" + address + ", expected " + SCHEME +
                "<name>");
        }
    }
}

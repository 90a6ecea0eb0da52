package io.rocklet.transport.local;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The in-JVM transport: services are registered under addresses like {@code local://router-1} and
 * called directly, with no sockets and no copies of messages. Each instance is its own address space,
 * so independent setups in one JVM (parallel tests) do not see each other. Stubs look the address up
 * on every call, so a service may be served, closed and served again (a restarted broker). Thread-safe.
 */
public final class LocalTransport implements Transport
{
    /** Addresses of this transport start with this scheme. */
    public static final String SCHEME = "local://";

    private final ConcurrentHashMap<String, RouterService> routers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BrokerService> brokers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    @Override
    public RouterService router(final String address)
    {
        checkAddress(address);
        return new LocalRouterStub(() -> target(routers, address, "router"));
    }

    @Override
    public BrokerService broker(final String address)
    {
        checkAddress(address);
        return new LocalBrokerStub(() -> target(brokers, address, "broker"));
    }

    @Override
    public Binding serve(final String address, final RouterService service)
    {
        return bind(routers, address, service, "router");
    }

    @Override
    public Binding serve(final String address, final BrokerService service)
    {
        return bind(brokers, address, service, "broker");
    }

    @Override
    public void close()
    {
        closed = true;
        routers.clear();
        brokers.clear();
    }

    @Override
    public String toString()
    {
        return "LocalTransport{routers=" + routers.keySet() + ", brokers=" + brokers.keySet() + '}';
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

    private <S> Binding bind(final ConcurrentHashMap<String, S> services, final String address, final S service,
        final String kind)
    {
        checkAddress(address);
        if (service == null)
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
                services.remove(address, service);
            }
        };
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

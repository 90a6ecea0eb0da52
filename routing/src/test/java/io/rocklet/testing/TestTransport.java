package io.rocklet.testing;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A map-based transport for tests: services are looked up by address on every call (so one can be served,
 * removed and served again); a call to an address with nothing served fails with BROKER_UNAVAILABLE.
 */
public final class TestTransport implements Transport
{
    private final ConcurrentHashMap<String, RouterService> routers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BrokerService> brokers = new ConcurrentHashMap<>();

    @Override
    public RouterService router(final String address)
    {
        return stub(RouterService.class, routers, address);
    }

    @Override
    public BrokerService broker(final String address)
    {
        return stub(BrokerService.class, brokers, address);
    }

    @Override
    public Binding serve(final String address, final RouterService service)
    {
        return bind(routers, address, service);
    }

    @Override
    public Binding serve(final String address, final BrokerService service)
    {
        return bind(brokers, address, service);
    }

    /**
     * Removes whatever is served at {@code address} (a crashed service).
     */
    public void unserve(final String address)
    {
        routers.remove(address);
        brokers.remove(address);
    }

    @Override
    public void close()
    {
        routers.clear();
        brokers.clear();
    }

    private static <S> Binding bind(final ConcurrentHashMap<String, S> services, final String address,
        final S service)
    {
        if (services.putIfAbsent(address, service) != null)
        {
            throw new InvalidArgumentException("address already served: address=" + address);
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

    private static <S> S stub(final Class<S> type, final ConcurrentHashMap<String, S> services, final String address)
    {
        final Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
            (self, method, args) ->
            {
                if (method.getDeclaringClass() == Object.class)
                {
                    return method.getName().equals("toString") ? "stub(" + address + ")" :
                        method.getName().equals("hashCode") ? System.identityHashCode(self) : self == args[0];
                }
                final S target = services.get(address);
                if (target == null)
                {
                    final RockletException error = new RockletException(ErrorCode.BROKER_UNAVAILABLE,
                        "nothing served at address: address=" + address);
                    if (method.getReturnType() == CompletableFuture.class)
                    {
                        return CompletableFuture.failedFuture(error);
                    }
                    throw error;
                }
                try
                {
                    return method.invoke(target, args);
                }
                catch (final InvocationTargetException e)
                {
                    throw e.getCause();
                }
            });
        return type.cast(proxy);
    }
}

package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One process's view of a shared transport, which the test can cut: from then on every call the client or broker
 * makes fails as if the network were gone, and what it serves stops being served (its process, to the cluster, is
 * dead), without it knowing or closing anything.
 */
final class PartitionableTransport implements Transport
{
    private final Transport shared;
    private final List<Binding> served = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    PartitionableTransport(final Transport shared)
    {
        this.shared = shared;
    }

    void cut()
    {
        cut = true;
        served.forEach(Binding::close);
    }

    @Override
    public RouterService router(final String address)
    {
        return guard(RouterService.class, shared.router(address), address);
    }

    @Override
    public BrokerService broker(final String address)
    {
        return guard(BrokerService.class, shared.broker(address), address);
    }

    @Override
    public Binding serve(final String address, final RouterService service)
    {
        return shared.serve(address, service);
    }

    @Override
    public Binding serve(final String address, final BrokerService service)
    {
        final Binding binding = shared.serve(address, service);
        served.add(binding);
        return binding;
    }

    @Override
    public void close()
    {
        // the shared transport is the cluster's
    }

    private <T> T guard(final Class<T> type, final T target, final String address)
    {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
        {
            if (cut && method.getDeclaringClass() != Object.class)
            {
                final RockletException gone = new RockletException(ErrorCode.BROKER_UNAVAILABLE,
                    "partitioned: address=" + address);
                if (method.getReturnType() == CompletableFuture.class)
                {
                    return CompletableFuture.failedFuture(gone);
                }
                throw gone;
            }
            try
            {
                return method.invoke(target, args);
            }
            catch (final InvocationTargetException e)
            {
                throw e.getCause();
            }
        }));
    }
}

package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;

/**
 * One client's view of a shared transport, which the test can cut: from then on every call the client makes
 * fails as if the network were gone (its process, to the cluster, is dead), without the client knowing or
 * closing anything.
 */
final class PartitionableTransport implements Transport
{
    private final Transport shared;
    private volatile boolean cut;

    PartitionableTransport(final Transport shared)
    {
        this.shared = shared;
    }

    void cut()
    {
        cut = true;
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
        return shared.serve(address, service);
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

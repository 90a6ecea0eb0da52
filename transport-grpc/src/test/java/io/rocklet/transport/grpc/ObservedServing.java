package io.rocklet.transport.grpc;

import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Subscription;
import io.rocklet.api.spi.Transport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of a test cluster: a {@link GrpcTransport} whose served brokers are watched, so that a test can
 * wait for what happens on the broker (a group watch in place, a pull held, messages pulled, calls served) instead of
 * guessing with sleeps.
 */
final class ObservedServing implements Transport
{
    final GrpcTransport grpc;
    private final Map<String, AtomicInteger> watches = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> heldPulls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> pulledMessages = new ConcurrentHashMap<>();

    ObservedServing(final GrpcTransport grpc)
    {
        this.grpc = grpc;
    }

    /**
     * @return the group watches open on the served brokers.
     */
    int watches(final String group)
    {
        return watches.computeIfAbsent(group, g -> new AtomicInteger()).get();
    }

    /**
     * @return the pulls of the group on the topic that the served brokers hold (nothing to answer yet).
     */
    int heldPulls(final String group, final String topic)
    {
        return heldPulls.computeIfAbsent(group + "@" + topic, g -> new AtomicInteger()).get();
    }

    /**
     * @return the messages of the topic the served brokers answered the group's pulls with, unary or streamed.
     */
    int pulledMessages(final String group, final String topic)
    {
        return pulledMessages.computeIfAbsent(group + "@" + topic, g -> new AtomicInteger()).get();
    }

    /**
     * @param rpc an rpc's bare name ({@code Pull}, {@code Subscribe}).
     * @return the calls of it the served brokers and routers started.
     */
    long callsStarted(final String rpc)
    {
        return grpc.callsStarted(rpc);
    }

    /**
     * @return the calls of the rpc being served now.
     */
    long callsOpen(final String rpc)
    {
        return grpc.callsOpen(rpc);
    }

    GrpcBinding listen(final String address)
    {
        return grpc.listen(address);
    }

    @Override
    public RouterService router(final String address)
    {
        return grpc.router(address);
    }

    @Override
    public BrokerService broker(final String address)
    {
        return grpc.broker(address);
    }

    @Override
    public Binding serve(final String address, final RouterService service)
    {
        return grpc.serve(address, service);
    }

    @Override
    public Binding serve(final String address, final BrokerService service)
    {
        return grpc.serve(address, (BrokerService) Proxy.newProxyInstance(BrokerService.class.getClassLoader(),
            new Class<?>[] {BrokerService.class}, (proxy, method, args) -> observe(service, method, args)));
    }

    @Override
    public void close()
    {
        grpc.close();
    }

    private Object observe(final BrokerService target, final Method method, final Object[] args) throws Throwable
    {
        final Object result;
        try
        {
            result = method.invoke(target, args);
        }
        catch (final InvocationTargetException e)
        {
            throw e.getCause();
        }
        if (method.getName().equals("watchGroup"))
        {
            final AtomicInteger open = watches.computeIfAbsent((String) args[0], g -> new AtomicInteger());
            open.incrementAndGet();
            final Subscription subscription = (Subscription) result;
            final AtomicBoolean closed = new AtomicBoolean();
            return (Subscription) () ->
            {
                if (closed.compareAndSet(false, true))
                {
                    open.decrementAndGet();
                }
                subscription.close();
            };
        }
        if (method.getName().equals("pull") && result instanceof CompletableFuture<?> answer)
        {
            final PullRequest pull = (PullRequest) args[0];
            final String key = pull.group() + "@" + pull.topic();
            final AtomicInteger pulled = pulledMessages.computeIfAbsent(key, g -> new AtomicInteger());
            if (!answer.isDone())
            {
                final AtomicInteger held = heldPulls.computeIfAbsent(key, g -> new AtomicInteger());
                held.incrementAndGet();
                answer.whenComplete((value, error) -> held.decrementAndGet());
            }
            // counted before the answer is passed on, so the count never lags what a client received
            return answer.thenApply(value ->
            {
                if (value instanceof PullResult found)
                {
                    pulled.addAndGet(found.messages().size());
                }
                return value;
            });
        }
        return result;
    }
}

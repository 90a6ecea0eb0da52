package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;
import io.rocklet.transport.local.LocalTransport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LocalTransport} that watches the pulls brokers serve, as a broker-side view of what consumers do:
 * per (group, topic, queue) the pulls received, the pulls waiting for an answer (held), the pulls refused as
 * BUSY and the messages handed out; per call and topic, the calls that name a topic first. It can also make
 * routers slow to take broker registrations in.
 */
final class ObservedTransport implements Transport
{
    private final LocalTransport local = new LocalTransport();
    private final Map<String, AtomicInteger> pulls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> handedOut = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> busy = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> topicCalls = new ConcurrentHashMap<>();
    private volatile long registrationDelayMs;

    /**
     * From now on, routers take each broker registration in {@code delay} after it was sent (a slow network).
     */
    void delayRegistrations(final Duration delay)
    {
        registrationDelayMs = delay.toMillis();
    }

    int pulls(final String group, final String topic, final int queueId)
    {
        return count(pulls, group, topic, queueId);
    }

    int waitingPulls(final String group, final String topic, final int queueId)
    {
        return count(waiting, group, topic, queueId);
    }

    int handedOut(final String group, final String topic, final int queueId)
    {
        return count(handedOut, group, topic, queueId);
    }

    int busyPulls(final String group, final String topic, final int queueId)
    {
        return count(busy, group, topic, queueId);
    }

    /**
     * @return how many times brokers were called with {@code method(topic, ...)}, such as queueOffsets.
     */
    int calls(final String method, final String topic)
    {
        final AtomicInteger count = topicCalls.get(method + ' ' + topic);
        return count == null ? 0 : count.get();
    }

    @Override
    public RouterService router(final String address)
    {
        return local.router(address);
    }

    @Override
    public BrokerService broker(final String address)
    {
        return local.broker(address);
    }

    @Override
    public Binding serve(final String address, final RouterService service)
    {
        return local.serve(address, (RouterService) Proxy.newProxyInstance(RouterService.class.getClassLoader(),
            new Class<?>[] {RouterService.class}, (proxy, method, args) ->
            {
                final long delayMs = registrationDelayMs;
                if (method.getName().equals("registerBroker") && delayMs > 0)
                {
                    return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delayMs,
                        TimeUnit.MILLISECONDS)).thenCompose(late -> invoke(method, service, args));
                }
                return invoke(method, service, args);
            }));
    }

    @Override
    public Binding serve(final String address, final BrokerService service)
    {
        return local.serve(address, observe(service));
    }

    @Override
    public void close()
    {
        local.close();
    }

    @SuppressWarnings("unchecked")
    private static <T> T invoke(final Method method, final Object target, final Object[] args)
    {
        try
        {
            return (T) method.invoke(target, args);
        }
        catch (final InvocationTargetException e)
        {
            if (e.getCause() instanceof RuntimeException failure)
            {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
        catch (final IllegalAccessException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private BrokerService observe(final BrokerService broker)
    {
        return (BrokerService) Proxy.newProxyInstance(BrokerService.class.getClassLoader(),
            new Class<?>[] {BrokerService.class}, (proxy, method, args) ->
            {
                if (args != null && args.length > 0 && args[0] instanceof String topic)
                {
                    topicCalls.computeIfAbsent(method.getName() + ' ' + topic, k -> new AtomicInteger())
                        .incrementAndGet();
                }
                final Object result = invoke(method, broker, args);
                if (method.getName().equals("pull") && result instanceof CompletableFuture<?> future)
                {
                    observe((PullRequest) args[0], future);
                }
                return result;
            });
    }

    private void observe(final PullRequest request, final CompletableFuture<?> answer)
    {
        final String key = key(request.group(), request.topic(), request.queueId());
        pulls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        final AtomicInteger held = waiting.computeIfAbsent(key, k -> new AtomicInteger());
        held.incrementAndGet();
        answer.whenComplete((result, error) ->
        {
            held.decrementAndGet();
            if (result instanceof PullResult pulled && pulled.status() == PullStatus.FOUND)
            {
                handedOut.computeIfAbsent(key, k -> new AtomicInteger()).addAndGet(pulled.messages().size());
            }
            final Throwable cause = error instanceof CompletionException && error.getCause() != null ?
                error.getCause() : error;
            if (cause instanceof RockletException refused && refused.errorCode() == ErrorCode.BUSY)
            {
                busy.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            }
        });
    }

    private static int count(final Map<String, AtomicInteger> counts, final String group, final String topic,
        final int queueId)
    {
        final AtomicInteger count = counts.get(key(group, topic, queueId));
        return count == null ? 0 : count.get();
    }

    private static String key(final String group, final String topic, final int queueId)
    {
        return group + ' ' + topic + ' ' + queueId;
    }
}

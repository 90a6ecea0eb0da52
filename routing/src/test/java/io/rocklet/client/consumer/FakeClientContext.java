package io.rocklet.client.consumer;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.api.spi.Transport;
import io.rocklet.client.internal.ClientContext;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NanoClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client context over {@link FakeBroker}s: routes are made from the brokers' topics, heartbeats go to
 * every broker, and one daemon scheduler thread serves timers. Records registrations and invalidations.
 */
final class FakeClientContext implements ClientContext, AutoCloseable
{
    final List<String> unregisteredGroups = new CopyOnWriteArrayList<>();
    final AtomicInteger invalidations = new AtomicInteger();
    /** The consumers' clock: tests move it by hand. */
    final CachedNanoClock clock = new CachedNanoClock();

    private final String clientId;
    private final Map<String, FakeBroker> brokers;
    private final ClientConfig config;
    private final ScheduledExecutorService scheduler;
    private final Map<String, ConsumerRegistration> registrations = new ConcurrentHashMap<>();
    private final Set<String> routedBrokers = ConcurrentHashMap.newKeySet();
    private volatile boolean brokersKnownBeforeRoutes = true;

    FakeClientContext(final String clientId, final FakeBroker... brokers)
    {
        this(clientId, Duration.ofSeconds(2), brokers);
    }

    FakeClientContext(final String clientId, final Duration requestTimeout, final FakeBroker... brokers)
    {
        this.clientId = clientId;
        this.brokers = new ConcurrentHashMap<>();
        for (final FakeBroker broker : brokers)
        {
            this.brokers.put(broker.name, broker);
        }
        this.config = ClientConfig.builder().routers("local://router").requestTimeout(requestTimeout).build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task ->
        {
            final Thread thread = new Thread(task, "fake-client-scheduler-" + clientId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * From now on a broker is known (by {@link #broker}) only once a route naming it was fetched, as in a real client.
     */
    void knowBrokersOnlyFromRoutes()
    {
        brokersKnownBeforeRoutes = false;
    }

    ConsumerRegistration registration(final String group)
    {
        return registrations.get(group);
    }

    @Override
    public void close()
    {
        scheduler.shutdownNow();
    }

    @Override
    public String clientId()
    {
        return clientId;
    }

    @Override
    public ClientConfig config()
    {
        return config;
    }

    @Override
    public Transport transport()
    {
        throw new UnsupportedOperationException("fake client context has no transport");
    }

    @Override
    public ScheduledExecutorService scheduler()
    {
        return scheduler;
    }

    @Override
    public NanoClock nanoClock()
    {
        return clock;
    }

    @Override
    public CompletableFuture<TopicRoute> route(final String topic)
    {
        final List<QueueRoute> queues = new ArrayList<>();
        final List<BrokerRoute> routes = new ArrayList<>();
        for (final FakeBroker broker : brokers.values())
        {
            final Integer count = broker.topicQueues().get(topic);
            if (count != null)
            {
                queues.add(new QueueRoute(broker.name, count, count, 6));
                routes.add(new BrokerRoute("c", broker.name, Map.of(0L, "local://" + broker.name)));
            }
        }
        if (queues.isEmpty())
        {
            return CompletableFuture.failedFuture(new RockletException(ErrorCode.TOPIC_NOT_FOUND,
                "no route: topic=" + topic));
        }
        routes.forEach(route -> routedBrokers.add(route.brokerName()));
        return CompletableFuture.completedFuture(new TopicRoute(topic, queues, routes));
    }

    @Override
    public void invalidateRoute(final String topic)
    {
        invalidations.incrementAndGet();
    }

    @Override
    public List<MessageQueue> writeQueues(final TopicRoute route)
    {
        return readQueues(route);
    }

    @Override
    public List<MessageQueue> readQueues(final TopicRoute route)
    {
        final List<MessageQueue> queues = new ArrayList<>();
        for (final QueueRoute queue : route.queues())
        {
            for (int i = 0; i < queue.readQueues(); i++)
            {
                queues.add(new MessageQueue(route.topic(), queue.brokerName(), i));
            }
        }
        queues.sort(Comparator.comparing(MessageQueue::brokerName).thenComparingInt(MessageQueue::queueId));
        return queues;
    }

    @Override
    public BrokerService broker(final String brokerName)
    {
        final FakeBroker broker = brokers.get(brokerName);
        if (broker == null || (!brokersKnownBeforeRoutes && !routedBrokers.contains(brokerName)))
        {
            throw new RockletException(ErrorCode.NO_ROUTE, "unknown broker: brokerName=" + brokerName);
        }
        return broker;
    }

    @Override
    public List<String> knownBrokers()
    {
        return List.copyOf(brokers.keySet());
    }

    @Override
    public CompletableFuture<Void> registerConsumer(final ConsumerRegistration registration)
    {
        registrations.put(registration.group(), registration);
        return heartbeatNow();
    }

    @Override
    public CompletableFuture<Void> unregisterConsumer(final String group)
    {
        unregisteredGroups.add(group);
        registrations.remove(group);
        final List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (final FakeBroker broker : brokers.values())
        {
            calls.add(broker.unregisterClient(clientId, group));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public void registerProducer(final String group)
    {
    }

    @Override
    public void unregisterProducer(final String group)
    {
    }

    @Override
    public CompletableFuture<Void> heartbeatNow()
    {
        final ClientHeartbeat heartbeat = new ClientHeartbeat(clientId, List.copyOf(registrations.values()), List.of());
        final List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (final FakeBroker broker : brokers.values())
        {
            calls.add(broker.heartbeat(heartbeat));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]));
    }
}

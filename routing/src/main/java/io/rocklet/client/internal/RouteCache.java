package io.rocklet.client.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The client's topic routes and the broker replica sets they name.
 *
 * <ul>
 *     <li>A cached route is served as it is while younger than the refresh interval.</li>
 *     <li>An older one is still served at once (so that sends go on while routers are unreachable) and a
 *     fetch starts in the background; the periodic refresh normally keeps routes younger than that.</li>
 *     <li>An invalidated one (after a send or pull failure) is fetched again before it is served; when no
 *     router answers, the old route is served.</li>
 *     <li>Concurrent fetches of one topic share one router query. TOPIC_NOT_FOUND drops the topic.</li>
 * </ul>
 *
 * <p>Brokers first seen in a fetched route are handed to {@code onNewBrokers} (the heartbeat) before the
 * route is returned, so a consumer's groups are known to a broker before the consumer talks to it.
 * Thread-safe: concurrent maps, entries are immutable.
 */
final class RouteCache
{
    private static final Logger LOG = LoggerFactory.getLogger(RouteCache.class);

    private final RouterClient routers;
    private final NanoClock clock;
    private final long refreshNs;
    private final Function<List<BrokerRoute>, CompletableFuture<Void>> onNewBrokers;
    private final ConcurrentHashMap<String, Entry> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<TopicRoute>> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BrokerRoute> brokers = new ConcurrentHashMap<>();

    RouteCache(final RouterClient routers, final NanoClock clock, final long refreshNs,
        final Function<List<BrokerRoute>, CompletableFuture<Void>> onNewBrokers)
    {
        this.routers = routers;
        this.clock = clock;
        this.refreshNs = refreshNs;
        this.onNewBrokers = onNewBrokers;
    }

    CompletableFuture<TopicRoute> route(final String topic)
    {
        final Entry entry = routes.get(topic);
        if (entry != null && !entry.invalidated)
        {
            if (clock.nanoTime() - entry.fetchedAtNs >= refreshNs)
            {
                fetch(topic);
            }
            return CompletableFuture.completedFuture(entry.route);
        }
        final CompletableFuture<TopicRoute> fetched = fetch(topic);
        if (entry == null)
        {
            return fetched;
        }
        final CompletableFuture<TopicRoute> result = new CompletableFuture<>();
        fetched.whenComplete((route, error) ->
        {
            if (error == null)
            {
                result.complete(route);
            }
            else if (Futures.errorCode(error) != ErrorCode.TOPIC_NOT_FOUND)
            {
                result.complete(entry.route);
            }
            else
            {
                result.completeExceptionally(Futures.unwrap(error));
            }
        });
        return result;
    }

    void invalidate(final String topic)
    {
        routes.computeIfPresent(topic, (name, entry) -> entry.invalidated ? entry :
            new Entry(entry.route, entry.fetchedAtNs, true, entry.writeQueues, entry.readQueues));
    }

    List<MessageQueue> writeQueues(final TopicRoute route)
    {
        final Entry entry = routes.get(route.topic());
        return entry != null && entry.route == route ? entry.writeQueues : queues(route, true);
    }

    List<MessageQueue> readQueues(final TopicRoute route)
    {
        final Entry entry = routes.get(route.topic());
        return entry != null && entry.route == route ? entry.readQueues : queues(route, false);
    }

    BrokerRoute broker(final String brokerName)
    {
        return brokers.get(brokerName);
    }

    Collection<BrokerRoute> brokers()
    {
        return List.copyOf(brokers.values());
    }

    List<String> brokerNames()
    {
        final List<String> names = new ArrayList<>(brokers.keySet());
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /**
     * Fetches every cached topic again, then forgets brokers no cached route names any more.
     */
    CompletableFuture<Void> refreshAll()
    {
        final List<CompletableFuture<TopicRoute>> fetches = new ArrayList<>();
        for (final String topic : routes.keySet())
        {
            fetches.add(fetch(topic).exceptionally(error ->
            {
                LOG.debug("route refresh failed: topic={}, error={}", topic, Futures.unwrap(error).getMessage());
                return null;
            }));
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenRun(this::pruneBrokers);
    }

    private CompletableFuture<TopicRoute> fetch(final String topic)
    {
        final CompletableFuture<TopicRoute> mine = new CompletableFuture<>();
        final CompletableFuture<TopicRoute> running = inFlight.putIfAbsent(topic, mine);
        if (running != null)
        {
            return running;
        }
        routers.queryRoute(topic).thenCompose(this::store).whenComplete((route, error) ->
        {
            inFlight.remove(topic, mine);
            if (error == null)
            {
                mine.complete(route);
                return;
            }
            if (Futures.errorCode(error) == ErrorCode.TOPIC_NOT_FOUND)
            {
                routes.remove(topic);
            }
            mine.completeExceptionally(Futures.unwrap(error));
        });
        return mine;
    }

    private CompletableFuture<TopicRoute> store(final TopicRoute route)
    {
        routes.put(route.topic(), new Entry(route, clock.nanoTime(), false, queues(route, true),
            queues(route, false)));
        final List<BrokerRoute> added = new ArrayList<>();
        for (final BrokerRoute broker : route.brokers())
        {
            final BrokerRoute previous = brokers.put(broker.brokerName(), broker);
            if (previous == null || !previous.addresses().equals(broker.addresses()))
            {
                added.add(broker);
            }
        }
        if (added.isEmpty())
        {
            return CompletableFuture.completedFuture(route);
        }
        return onNewBrokers.apply(added).handle((ignored, error) -> route);
    }

    private void pruneBrokers()
    {
        final Set<String> named = new HashSet<>();
        for (final Entry entry : routes.values())
        {
            for (final BrokerRoute broker : entry.route.brokers())
            {
                named.add(broker.brokerName());
            }
        }
        brokers.keySet().retainAll(named);
    }

    /**
     * @param writable true for the writable queues (of brokers whose master is known), false for the readable.
     * @return the queues, sorted by broker name then queue id.
     */
    static List<MessageQueue> queues(final TopicRoute route, final boolean writable)
    {
        final Map<String, BrokerRoute> byName = new HashMap<>();
        for (final BrokerRoute broker : route.brokers())
        {
            byName.put(broker.brokerName(), broker);
        }
        final List<QueueRoute> sorted = new ArrayList<>(route.queues());
        sorted.sort(Comparator.comparing(QueueRoute::brokerName));
        final List<MessageQueue> queues = new ArrayList<>();
        for (final QueueRoute queue : sorted)
        {
            final BrokerRoute broker = byName.get(queue.brokerName());
            final int permission = writable ? TopicConfig.PERM_WRITE : TopicConfig.PERM_READ;
            if ((queue.permission() & permission) == 0 || broker == null ||
                (writable && broker.masterAddress() == null))
            {
                continue;
            }
            final int count = writable ? queue.writeQueues() : queue.readQueues();
            for (int id = 0; id < count; id++)
            {
                queues.add(new MessageQueue(route.topic(), queue.brokerName(), id));
            }
        }
        return List.copyOf(queues);
    }

    /**
     * A cached route and its queue lists (computed once per fetch).
     */
    private record Entry(TopicRoute route, long fetchedAtNs, boolean invalidated, List<MessageQueue> writeQueues,
        List<MessageQueue> readQueues)
    {
    }
}

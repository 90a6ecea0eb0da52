package io.rocklet.client.internal;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.api.spi.Transport;
import org.agrona.concurrent.NanoClock;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

import static io.rocklet.api.spi.BrokerService.ConsumerRegistration;

/**
 * What the producers and consumers of one client share: its identity, the topic routes it caches,
 * stubs for the brokers those routes name, the heartbeats that tell brokers which groups the client
 * belongs to, and one scheduler thread for timers. Thread-safe.
 */
public interface ClientContext
{
    /**
     * @return the client id brokers know this client by (unique per client instance).
     */
    String clientId();

    ClientConfig config();

    Transport transport();

    /**
     * @return the client's timer thread; tasks must be short and must not block.
     */
    ScheduledExecutorService scheduler();

    /**
     * @return the client's monotonic clock (injected in tests), for the timeouts its consumers keep.
     */
    NanoClock nanoClock();

    /**
     * @return the topic's route from the cache, fetched from a router (random first, failing over to the
     *     next) when missing, older than the refresh interval or invalidated. Fails with TOPIC_NOT_FOUND or
     *     NO_ROUTE.
     */
    CompletableFuture<TopicRoute> route(String topic);

    /**
     * Drops the cached route so that the next {@link #route} asks a router (after a send or pull failure).
     */
    void invalidateRoute(String topic);

    /**
     * @return the route's writable queues, sorted by broker name then queue id.
     */
    List<MessageQueue> writeQueues(TopicRoute route);

    /**
     * @return the route's readable queues, sorted by broker name then queue id.
     */
    List<MessageQueue> readQueues(TopicRoute route);

    /**
     * @return a stub for the master of {@code brokerName}, from the routes seen so far; for its slave of lowest id while
     *     the route names no master (the master is down: consumers read and commit there).
     * @throws io.rocklet.api.RockletException with NO_ROUTE when no route names that broker.
     */
    BrokerService broker(String brokerName);

    /**
     * @return a stub for the replica to pull {@code queue} from: the one the queue's last pull answer suggested (slave
     *     1 for a consumer far behind, RocketMQ's {@code pullFromWhichNodeTable}) when the route names it, else as
     *     {@link #broker}.
     */
    default BrokerService pullBroker(final io.rocklet.api.MessageQueue queue)
    {
        return broker(queue.brokerName());
    }

    /**
     * Records the replica a pull answer suggested for {@code queue}'s next pull.
     */
    default void suggestBroker(final io.rocklet.api.MessageQueue queue, final long brokerId)
    {
    }

    /**
     * @return the names of every broker the cached routes mention.
     */
    List<String> knownBrokers();

    /**
     * Adds (or replaces) a consumer group in this client's heartbeats and heartbeats every known broker now,
     * so that the group rebalances at once.
     */
    CompletableFuture<Void> registerConsumer(ConsumerRegistration registration);

    /**
     * Removes a consumer group: unregisters the client from it on every known broker now.
     */
    CompletableFuture<Void> unregisterConsumer(String group);

    void registerProducer(String group);

    void unregisterProducer(String group);

    /**
     * Heartbeats every known broker now.
     */
    CompletableFuture<Void> heartbeatNow();
}

package io.rocklet.broker.metrics;

import io.rocklet.store.StoreStats;

import java.util.function.Supplier;

/**
 * What a broker reports to its meters ({@link io.rocklet.api.metrics.MetricNames}): the hot paths (send, pull)
 * call these methods once per message or pull, and they allocate nothing once a topic's or group's meters exist
 * (resolved once, then looked up by name). {@link #NONE} does nothing and is what a broker without a registry
 * uses: this interface and {@link #NONE} never touch Micrometer, so a broker runs without the micrometer jar.
 * Thread-safe: called from the threads that send and pull.
 */
public interface BrokerMetrics
{
    /** No metrics. */
    BrokerMetrics NONE = new BrokerMetrics()
    {
    };

    /**
     * @param registry  the application's {@code io.micrometer.core.instrument.MeterRegistry}, or null.
     * @param cluster   the broker's cluster (a tag of every meter).
     * @param broker    the broker's name (a tag of every meter).
     * @param positions the queues' and groups' offsets, read when lag gauges are scraped.
     * @param store     the store's statistics, read when storage gauges are scraped.
     * @return meters in {@code registry}, or {@link #NONE} when it is null (Micrometer not loaded).
     */
    static BrokerMetrics create(final Object registry, final String cluster, final String broker,
        final ConsumerPositions positions, final Supplier<StoreStats> store)
    {
        return registry == null ? NONE : MicrometerBrokerMetrics.create(registry, cluster, broker, positions, store);
    }

    /**
     * A message was stored by a send.
     *
     * @param topic     its topic.
     * @param delayed   it waits for a delay level or a delivery time.
     * @param bodyBytes its body's size.
     */
    default void messageIn(final String topic, final boolean delayed, final int bodyBytes)
    {
    }

    /**
     * A pull returned messages.
     *
     * @param group      the pulling group.
     * @param topic      the topic.
     * @param queueId    the queue.
     * @param nextOffset where the group's next pull of the queue starts.
     * @param messages   messages returned.
     * @param bodyBytes  their bodies' total size.
     */
    default void messagesOut(final String group, final String topic, final int queueId, final long nextOffset,
        final int messages, final long bodyBytes)
    {
    }

    /**
     * A group's subscription to a topic is known (a heartbeat or a commit): its lag gauges exist from now on.
     */
    default void consumerSeen(final String group, final String topic)
    {
    }

    /**
     * A group sent a message back for another try.
     */
    default void sentToRetry(final String group)
    {
    }

    /**
     * A group's message went to its dead-letter topic.
     */
    default void sentToDeadLetters(final String group)
    {
    }

    /**
     * Removes the broker's meters from the registry (the broker closed).
     */
    default void close()
    {
    }
}

package io.rocklet.benchmarks.scenario;

import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.admin.QueueStats;

import java.util.concurrent.TimeUnit;

/**
 * One figure's view of a {@link BenchTarget}: a client, the topic the figure sends to (created with
 * {@link #QUEUES} queues, routable), a description of the broker's settings for the figure's notes, and what
 * {@link #close()} releases (the whole embedded instance, or the client's connections). Producers and push
 * consumers get the product's defaults except where a scenario says otherwise.
 */
public final class BenchSession implements AutoCloseable
{
    /** Queues of every scenario topic. */
    public static final int QUEUES = 4;

    private final RockletClient client;
    private final String topic;
    private final String description;
    private final Runnable onClose;

    /**
     * @param client      the client the figure's producers and consumers come from.
     * @param topic       the topic, already created with {@link #QUEUES} queues and served by the routers.
     * @param description the broker's settings (flush mode, store, transport), for the notes.
     * @param onClose     releases the client and whatever the session owns.
     */
    public BenchSession(final RockletClient client, final String topic, final String description,
        final Runnable onClose)
    {
        this.client = client;
        this.topic = topic;
        this.description = description;
        this.onClose = onClose;
    }

    public String topic()
    {
        return topic;
    }

    public RockletClient client()
    {
        return client;
    }

    /**
     * @return the broker's settings, for a figure's note.
     */
    public String describe()
    {
        return description;
    }

    /**
     * @return a producer with the product's defaults.
     */
    public Producer newProducer(final String group)
    {
        return newProducer(ProducerConfig.builder(group).build());
    }

    /**
     * @return a producer of this session's client with {@code config}.
     */
    public Producer newProducer(final ProducerConfig config)
    {
        return client.newProducer(config);
    }

    /**
     * @return a push consumer configuration subscribed to every message of the topic, otherwise the defaults.
     */
    public PushConsumerConfig.Builder consumer(final String group)
    {
        return PushConsumerConfig.builder(group).subscribe(topic, "*");
    }

    /**
     * @throws IllegalStateException unless {@code consumer} holds every queue of the topic.
     */
    public void checkAssignment(final PushConsumer consumer)
    {
        final long queues = consumer.assignment().stream().filter(queue -> queue.topic().equals(topic)).count();
        if (queues != QUEUES)
        {
            throw new IllegalStateException("the consumer does not hold every queue of the topic: topic=" + topic +
                ", queues=" + QUEUES + ", assignment=" + consumer.assignment());
        }
    }

    /**
     * Waits until the topic's queues hold {@code messages} in all (the broker dispatched every acknowledged send).
     *
     * @return nanoseconds waited.
     * @throws IllegalStateException when they do not within {@code timeoutNs}.
     */
    public long awaitDispatched(final long messages, final long timeoutNs) throws InterruptedException
    {
        final long start = System.nanoTime();
        while (true)
        {
            long total = 0;
            for (final QueueStats queue : client.admin().queueStats(topic))
            {
                total += queue.messageCount();
            }
            if (total >= messages)
            {
                return System.nanoTime() - start;
            }
            if (System.nanoTime() - start > timeoutNs)
            {
                throw new IllegalStateException("backlog not dispatched: topic=" + topic + ", expected=" + messages +
                    ", dispatched=" + total + ", waitedMs=" + TimeUnit.NANOSECONDS.toMillis(timeoutNs));
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close()
    {
        onClose.run();
    }
}

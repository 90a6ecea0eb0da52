package io.rocklet.benchmarks.local;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.benchmarks.scenario.Bodies;
import io.rocklet.benchmarks.scenario.ReceivedSet;
import io.rocklet.embedded.EmbeddedRocklet;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An embedded instance brought to "ready" the way the start-up figures time it, and the time of each step:
 * from just before {@code EmbeddedRocklet.ephemeral()} (or {@code persistent(dir)}) to the return of that
 * call (router and broker started), of {@code createTopic(bench, 4)} until the router serves the topic's route
 * (see {@link LocalBench#createTopic}), of {@code newProducer} and of
 * {@code newPushConsumer} (which returns once the consumer's first rebalance has fixed its start offsets).
 * {@link #exchange} then checks the instance works: messages sent are received.
 *
 * @param rocklet    the instance.
 * @param producer   its producer (group {@code bench-app}).
 * @param consumer   its push consumer (group {@code bench-app}, LAST), counting into {@code received}.
 * @param received   what the consumer received.
 * @param brokerNs   time to a started router and broker.
 * @param topicNs    time to create the topic and see its route in the router.
 * @param routeWaitNs part of {@code topicNs} spent waiting for the route after createTopic returned.
 * @param producerNs time to make the producer.
 * @param consumerNs time to make and start the consumer.
 */
record StartedRocklet(EmbeddedRocklet rocklet, Producer producer, PushConsumer consumer, ReceivedSet received,
    long brokerNs, long topicNs, long routeWaitNs, long producerNs, long consumerNs)
{
    private static final int MAX_EXCHANGED = 1 << 20;

    /**
     * Starts an instance with {@code start}, creates the topic, a producer and a push consumer.
     */
    static StartedRocklet start(final Supplier<EmbeddedRocklet> start)
    {
        final ReceivedSet received = new ReceivedSet(MAX_EXCHANGED);
        final long t0 = System.nanoTime();
        final EmbeddedRocklet rocklet = start.get();
        final long t1 = System.nanoTime();
        try
        {
            final long routeWaitNs = LocalBench.createTopic(rocklet);
            final long t2 = System.nanoTime();
            final Producer producer = rocklet.newProducer("bench-app");
            final long t3 = System.nanoTime();
            final PushConsumer consumer = rocklet.newPushConsumer(LocalBench.consumer("bench-app", ConsumeFrom.LAST,
                LocalBench.counting(received)));
            final long t4 = System.nanoTime();
            return new StartedRocklet(rocklet, producer, consumer, received, t1 - t0, t2 - t1, routeWaitNs, t3 - t2,
                t4 - t3);
        }
        catch (final RuntimeException e)
        {
            rocklet.close();
            throw e;
        }
    }

    /**
     * @return from the start call to a started consumer, in milliseconds.
     */
    double readyMs()
    {
        return (brokerNs + topicNs + producerNs + consumerNs) / 1e6;
    }

    /**
     * @return the steps' times, for a note.
     */
    String steps()
    {
        return String.format(Locale.ROOT, "router+broker %.1f ms, createTopic %.1f ms (of which %.2f ms waiting " +
            "for the route), newProducer %.1f ms, newPushConsumer %.1f ms", brokerNs / 1e6, topicNs / 1e6,
            routeWaitNs / 1e6, producerNs / 1e6, consumerNs / 1e6);
    }

    /**
     * Sends {@code messages} more messages and waits until the consumer has them all.
     *
     * @return nanoseconds from the first send to the last arrival.
     * @throws IllegalStateException when they do not arrive within 10 s.
     */
    long exchange(final int messages) throws InterruptedException
    {
        final long first = received.distinct();
        final long start = System.nanoTime();
        for (long sequence = first; sequence < first + messages; sequence++)
        {
            producer.send(Message.of(LocalBench.TOPIC, Bodies.body(sequence, System.nanoTime())));
        }
        if (!received.awaitDistinct(first + messages, TimeUnit.SECONDS.toNanos(10)))
        {
            throw new IllegalStateException("messages not received: sent=" + (first + messages) + ", received=" +
                received.distinct());
        }
        return System.nanoTime() - start;
    }

    /**
     * Closes the instance (clients, broker, router) with the producer and consumer still open.
     *
     * @return nanoseconds {@code EmbeddedRocklet.close()} took.
     */
    long close()
    {
        final long start = System.nanoTime();
        rocklet.close();
        return System.nanoTime() - start;
    }
}

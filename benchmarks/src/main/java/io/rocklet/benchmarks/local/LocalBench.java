package io.rocklet.benchmarks.local;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.benchmarks.scenario.BenchSession;
import io.rocklet.benchmarks.scenario.Bodies;
import io.rocklet.benchmarks.scenario.ReceivedSet;
import io.rocklet.embedded.EmbeddedRocklet;
import io.rocklet.store.StoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the {@code local} figures share: the topic and its creation (waiting for the route), a listener that
 * checks every message off, the store settings for the notes, and /proc/self/status. The bodies are
 * {@link Bodies}.
 */
final class LocalBench
{
    /** The topic every scenario uses, created with {@link #QUEUES} queues before use. */
    static final String TOPIC = "bench";
    static final int QUEUES = BenchSession.QUEUES;

    private static final long ROUTE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private LocalBench()
    {
    }

    /**
     * @return a listener that marks each message's sequence number in {@code received} and returns SUCCESS.
     */
    static MessageListener counting(final ReceivedSet received)
    {
        return messages ->
        {
            for (final ReceivedMessage message : messages)
            {
                received.markFirst(Bodies.sequence(message));
            }
            return ConsumeResult.SUCCESS;
        };
    }

    /**
     * @return a push consumer of {@link #TOPIC} with the product's defaults except the group, listener and start.
     */
    static PushConsumerConfig consumer(final String group, final ConsumeFrom from, final MessageListener listener)
    {
        return PushConsumerConfig.builder(group).subscribe(TOPIC, "*").consumeFrom(from).listener(listener).build();
    }

    /**
     * Creates {@link #TOPIC} with {@link #QUEUES} queues and waits until the router serves its route.
     * {@code Admin.createTopic} returns once the broker has the topic, but the broker tells the router on its
     * agent thread afterwards; a push consumer made in between finds no route, starts with no queue and
     * only picks the topic up at its next periodic rebalance (20 s by default). See benchmarks/README.md.
     *
     * @return nanoseconds spent waiting for the route after createTopic returned.
     */
    static long createTopic(final EmbeddedRocklet rocklet)
    {
        rocklet.createTopic(TOPIC, QUEUES);
        final long start = System.nanoTime();
        while (true)
        {
            RuntimeException error = null;
            try
            {
                if (!rocklet.router().queryRoute(TOPIC).join().queues().isEmpty())
                {
                    return System.nanoTime() - start;
                }
            }
            catch (final RuntimeException e)
            {
                error = e;
            }
            if (System.nanoTime() - start > ROUTE_TIMEOUT_NS)
            {
                throw new IllegalStateException("the router has no route for the topic " + TOPIC + " " +
                    TimeUnit.NANOSECONDS.toMillis(ROUTE_TIMEOUT_NS) + " ms after createTopic", error);
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /**
     * @return how the instance stores: flush mode, fsync, segment size, threading.
     */
    static String storeSettings(final EmbeddedRocklet rocklet)
    {
        final StoreConfig store = rocklet.broker().config().storeConfig();
        return "flush=" + store.flushMode() + " fsync=" + store.fsync() + " ephemeral=" + store.ephemeral() +
            " segmentBytes=" + store.segmentSizeBytes() + " populateAheadBytes=" + store.populateAheadBytes() +
            " threading=" + rocklet.agentHost().mode() + " dir=" +
            (store.directory() == null ? "(a temporary directory)" : store.directory());
    }

    /**
     * @return the fields of /proc/self/status whose names start with one of {@code prefixes}, in kB, by name.
     */
    static Map<String, Long> procStatus(final String... prefixes)
    {
        final Map<String, Long> values = new LinkedHashMap<>();
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                final int colon = line.indexOf(':');
                if (colon < 0)
                {
                    continue;
                }
                final String name = line.substring(0, colon);
                for (final String prefix : prefixes)
                {
                    if (name.startsWith(prefix))
                    {
                        final String value = line.substring(colon + 1).trim();
                        values.put(name, Long.parseLong(value.split("\\s+")[0]));
                    }
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
        return values;
    }
}

package io.rocklet.benchmarks.local;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.MessageView;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.embedded.EmbeddedRocklet;
import io.rocklet.store.StoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the {@code local} scenarios share: the topic, the 128-byte bodies (a sequence number and two
 * {@code System.nanoTime} stamps in the first 24 bytes, the rest fixed filler), a listener that checks
 * every message off, and small probes (backlog dispatched, /proc/self/status).
 */
final class LocalBench
{
    /** The topic every scenario uses, created with {@link #QUEUES} queues before use. */
    static final String TOPIC = "bench";
    static final int QUEUES = 4;
    static final int BODY_BYTES = 128;

    private static final byte[] FILLER = filler();
    private static final long ROUTE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private LocalBench()
    {
    }

    /**
     * @return a new 128-byte body carrying {@code sequence} and {@code stampNs} (and no second stamp).
     */
    static byte[] body(final long sequence, final long stampNs)
    {
        return body(sequence, stampNs, 0);
    }

    /**
     * @return a new 128-byte body carrying {@code sequence}, {@code stampNs} and {@code secondStampNs}.
     */
    static byte[] body(final long sequence, final long stampNs, final long secondStampNs)
    {
        final byte[] body = FILLER.clone();
        final ByteBuffer buffer = ByteBuffer.wrap(body);
        buffer.putLong(0, sequence);
        buffer.putLong(8, stampNs);
        buffer.putLong(16, secondStampNs);
        return body;
    }

    static long sequence(final MessageView message)
    {
        final ByteBuffer body = message.body();
        return body.getLong(body.position());
    }

    static long stampNs(final MessageView message)
    {
        final ByteBuffer body = message.body();
        return body.getLong(body.position() + 8);
    }

    static long secondStampNs(final MessageView message)
    {
        final ByteBuffer body = message.body();
        return body.getLong(body.position() + 16);
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
                received.markFirst(sequence(message));
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
     * @throws IllegalStateException unless {@code consumer} holds every queue of {@link #TOPIC}.
     */
    static void checkAssignment(final PushConsumer consumer)
    {
        final long queues = consumer.assignment().stream().filter(queue -> queue.topic().equals(TOPIC)).count();
        if (queues != QUEUES)
        {
            throw new IllegalStateException("the consumer does not hold every queue of the topic: topic=" + TOPIC +
                ", queues=" + QUEUES + ", assignment=" + consumer.assignment());
        }
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
            " threading=" + store.threadingMode() + " dir=" + (store.directory() == null ? "(a temporary directory)" :
            store.directory());
    }

    /**
     * Waits until the broker's queues of {@link #TOPIC} hold {@code messages} in all (the dispatcher caught up).
     *
     * @return nanoseconds waited.
     */
    static long awaitDispatched(final EmbeddedRocklet rocklet, final long messages, final long timeoutNs)
        throws InterruptedException
    {
        final long start = System.nanoTime();
        while (true)
        {
            long total = 0;
            for (int queue = 0; queue < QUEUES; queue++)
            {
                total += rocklet.broker().queueOffsets(TOPIC, queue).join().maxOffset();
            }
            if (total >= messages)
            {
                return System.nanoTime() - start;
            }
            if (System.nanoTime() - start > timeoutNs)
            {
                throw new IllegalStateException("backlog not dispatched: expected=" + messages + ", dispatched=" +
                    total + ", waitedMs=" + TimeUnit.NANOSECONDS.toMillis(timeoutNs));
            }
            Thread.sleep(1);
        }
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

    private static byte[] filler()
    {
        final byte[] filler = new byte[BODY_BYTES];
        for (int i = 0; i < filler.length; i++)
        {
            filler[i] = (byte) ('a' + i % 26);
        }
        return filler;
    }
}

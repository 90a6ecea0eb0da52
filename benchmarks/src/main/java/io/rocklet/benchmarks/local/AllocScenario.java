package io.rocklet.benchmarks.local;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.benchmarks.scenario.Bodies;
import io.rocklet.benchmarks.scenario.ReceivedSet;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.embedded.EmbeddedRocklet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Bytes the whole JVM allocates per message on the local path (issue 15): an embedded instance
 * ({@code EmbeddedRocklet.ephemeral()}, ASYNC flush), one thread sending 128-byte messages with the synchronous
 * {@code Producer.send}, a push consumer with the product's defaults whose listener checks each message off, and its
 * periodic offset commits. The allocated bytes of every live thread ({@code com.sun.management.ThreadMXBean
 * .getThreadAllocatedBytes}) are sampled before the first send and after the last message reached the listener,
 * after a warm-up round of the same path; the difference over the messages is {@code local.alloc_bytes_per_msg}.
 * The messages are built before the measurement (the application's own {@code Message}s are not counted); what the
 * listener's {@code ReceivedMessage}s and its read of the body allocate is.
 *
 * <p>Threads that ended during the measurement are missing from the second sample (their bytes are lost, the figure
 * is then a little low); the note says how many there were. Threads started during it count in full. The breakdown
 * groups threads by name with the digits taken out ({@code rocklet-consume-bench-app-#}), the sending thread as
 * {@code producer (sending thread)}.
 */
final class AllocScenario
{
    /** The figure's name. */
    static final String NAME = "local.alloc_bytes_per_msg";

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final String SENDER = "producer (sending thread)";
    private static final long ARRIVAL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final Results results;
    private final int messages;

    AllocScenario(final LocalSettings settings, final Results results)
    {
        this.results = results;
        this.messages = settings.quick() ? 20_000 : 200_000;
    }

    /**
     * Warms the path up with as many messages as are measured, then measures; reports the figure and notes the
     * breakdown by thread group.
     */
    void run() throws InterruptedException
    {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled())
        {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread");
        }
        final ReceivedSet received = new ReceivedSet(2L * messages);
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            LocalBench.createTopic(rocklet);
            final PushConsumer consumer = rocklet.newPushConsumer(LocalBench.consumer("bench-alloc",
                ConsumeFrom.LAST, LocalBench.counting(received)));
            final Producer producer = rocklet.newProducer("bench-alloc");
            exchange(producer, received, 0, messages);                               // warm-up: JIT, pools
            final Message[] batch = messages(messages, messages);
            final long sender = Thread.currentThread().getId();
            final Map<Long, Sample> before = sample(sender);
            exchange(producer, batch, received, messages);
            final Map<Long, Sample> after = sample(sender);
            report(before, after, LocalBench.storeSettings(rocklet) + ", consumer assignment " +
                consumer.assignment().size() + " queues");
        }
    }

    private void exchange(final Producer producer, final ReceivedSet received, final long first, final int count)
        throws InterruptedException
    {
        exchange(producer, messages(first, count), received, first);
    }

    private static void exchange(final Producer producer, final Message[] batch, final ReceivedSet received,
        final long first) throws InterruptedException
    {
        for (final Message message : batch)
        {
            producer.send(message);
        }
        if (!received.awaitDistinct(first + batch.length, ARRIVAL_TIMEOUT_NS))
        {
            throw new IllegalStateException("messages not received: sent=" + (first + batch.length) +
                ", received=" + received.distinct());
        }
    }

    private static Message[] messages(final long first, final int count)
    {
        final Message[] batch = new Message[count];
        for (int i = 0; i < count; i++)
        {
            batch[i] = Message.of(LocalBench.TOPIC, Bodies.body(first + i, 0));
        }
        return batch;
    }

    /** One thread's name (its group) and allocated bytes at a sample. */
    private record Sample(String group, long bytes)
    {
    }

    private static Map<Long, Sample> sample(final long sender)
    {
        final long[] ids = THREADS.getAllThreadIds();
        final ThreadInfo[] infos = THREADS.getThreadInfo(ids, 0);
        final long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        final Map<Long, Sample> samples = new HashMap<>();
        for (int i = 0; i < ids.length; i++)
        {
            if (infos[i] != null && bytes[i] >= 0)
            {
                final String group = ids[i] == sender ? SENDER : infos[i].getThreadName().replaceAll("\\d+", "#");
                samples.put(ids[i], new Sample(group, bytes[i]));
            }
        }
        return samples;
    }

    private void report(final Map<Long, Sample> before, final Map<Long, Sample> after, final String settings)
    {
        final Map<String, Long> byGroup = new TreeMap<>();
        long total = 0;
        int started = 0;
        for (final Map.Entry<Long, Sample> entry : after.entrySet())
        {
            final Sample earlier = before.get(entry.getKey());
            started += earlier == null ? 1 : 0;
            final long bytes = entry.getValue().bytes() - (earlier == null ? 0 : earlier.bytes());
            byGroup.merge(entry.getValue().group(), bytes, Long::sum);
            total += bytes;
        }
        int ended = 0;
        for (final Long id : before.keySet())
        {
            ended += after.containsKey(id) ? 0 : 1;
        }
        results.note("%s: %d messages of 128 B, sync Producer.send from one thread, push consumer (defaults) " +
            "listener, periodic offset commits; after a warm-up of as many; all threads' allocated bytes; " +
            "threads started during the measurement %d (counted in full), ended %d (their bytes lost); %s", NAME,
            messages, started, ended, settings);
        final StringBuilder breakdown = new StringBuilder();
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .filter(entry -> entry.getValue() > 0)
            .forEach(entry -> breakdown.append(String.format(java.util.Locale.ROOT, "%s%s %.1f",
                breakdown.length() == 0 ? "" : ", ", entry.getKey(), (double)entry.getValue() / messages)));
        results.note("%s by thread (B/msg): %s", NAME, breakdown);
        results.report(NAME, (double)total / messages, "B/msg");
    }
}

package io.rocklet.benchmarks.schedule;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.embedded.EmbeddedRocklet;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Heap of a broker holding many pending timed messages: a persistent embedded broker (ASYNC flush) is sent
 * {@code count} messages due between 1 and 4 hours ahead (spread over the timer's 10 s buckets), then closed and
 * started again on its directory. Figures, after a full GC each: {@code schedule.pending_1m.heap_mib} (heap used
 * with them all pending, after the restart) and {@code schedule.pending_1m.heap_growth_mib} (that minus the heap
 * used by the started broker before the sends).
 */
final class PendingHeapScenario
{
    static final String NAME = "schedule.pending_1m.heap_mib";
    private static final String TOPIC = "pending-bench";
    private static final int BATCH = 256;
    private static final long MIB = 1 << 20;

    private final Path base;
    private final Results results;
    private final int count;

    PendingHeapScenario(final Path base, final boolean quick, final Results results)
    {
        this.base = base;
        this.results = results;
        this.count = quick ? 50_000 : 1_000_000;
    }

    void run() throws Exception
    {
        final Path dir = Files.createTempDirectory(base, "schedule-pending-");
        final long baseline;
        final long startMs = System.currentTimeMillis();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.persistent(dir))
        {
            rocklet.createTopic(TOPIC, 4);
            baseline = usedHeapAfterGc();
            final Producer producer = rocklet.newProducer("pending-bench-producer");
            final long firstDueMs = startMs + Duration.ofHours(1).toMillis();
            final long spanMs = Duration.ofHours(3).toMillis();
            final List<Message> batch = new ArrayList<>(BATCH);
            final byte[] body = new byte[128];
            for (int i = 0; i < count; i++)
            {
                batch.add(Message.builder(TOPIC).deliverAt(firstDueMs + (long)i * spanMs / count).body(body).build());
                if (batch.size() == BATCH || i == count - 1)
                {
                    producer.send(List.copyOf(batch));
                    batch.clear();
                }
            }
            awaitPending(rocklet);
        }
        final double sendSeconds = (System.currentTimeMillis() - startMs) / 1e3;
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.persistent(dir))
        {
            awaitPending(rocklet);
            final long used = usedHeapAfterGc();
            results.note("%s: %,d timed messages of 128 bytes due 1 to 4 h ahead (10 s buckets), sent and indexed " +
                "in %.1f s, broker restarted; heap used after a full GC; before the sends %.1f MiB", NAME, count,
                sendSeconds, baseline / (double)MIB);
            results.report(NAME, used / (double)MIB, "MiB");
            results.report("schedule.pending_1m.heap_growth_mib", (used - baseline) / (double)MIB, "MiB");
        }
    }

    private void awaitPending(final EmbeddedRocklet rocklet) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (rocklet.broker().status().get(10, TimeUnit.SECONDS).timedPending().getOrDefault(TOPIC, 0L) < count)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the timer did not index every message in 5 minutes: topic=" +
                    TOPIC + ", count=" + count);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static long usedHeapAfterGc()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

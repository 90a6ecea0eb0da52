package io.rocklet.broker;

import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.store.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.rocklet.broker.BrokerFixture.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Many timed messages pending far in the future through a broker (INVOKER, injected clock): the heap used after a
 * full GC grows by less than {@value #MAX_GROWTH_MIB} MiB with them all pending, also after a restart, and a sample
 * is delivered exactly at its due time. 50,000 in CI (the timer's own test holds 200,000 on a bare store); 1,000,000
 * in the soak run ({@code -Pcrash-soak}, about two minutes on 2 cores).
 */
@Timeout(900)
class TimerHeapBoundTest
{
    static final long MAX_GROWTH_MIB = 64;
    static final String TOPIC = "far";
    static final int QUEUES = 4;
    /** Buckets the messages are spread over (10 s each): one bucket's entries are all the timer loads at once. */
    static final int BUCKETS = 1_000;
    static final long FIRST_DUE_DELAY_MS = Duration.ofHours(1).toMillis();
    static final byte[] BODY = "a timed message far in the future".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    BrokerFixture fixture;

    @AfterEach
    void tearDown()
    {
        if (fixture != null)
        {
            fixture.close();
        }
    }

    @Test
    void shouldKeepTheHeapBoundedWhen50kTimersWaitAcrossARestart()
    {
        scheduleRestartAndDeliver(50_000);
    }

    @Test
    @Tag("soak")
    void shouldKeepTheHeapBoundedWhenAMillionTimersWaitAcrossARestart()
    {
        scheduleRestartAndDeliver(1_000_000);
    }

    private void scheduleRestartAndDeliver(final int count)
    {
        fixture = new BrokerFixture(dir);
        fixture.config.storeConfig(TestStores.small(dir.resolve("store")).segmentSizeBytes(256 << 20)
            .consumeQueueEntriesPerFile(300_000).indexEntriesPerFile(4 << 20).indexSlotsPerFile(1 << 20).build());
        fixture.start();
        await(fixture.broker.createOrUpdateTopic(TopicConfig.of(TOPIC, QUEUES)));
        fixture.drain();
        final long baseline = usedHeapAfterGc();
        final long firstDueMs = fixture.clock.time() + FIRST_DUE_DELAY_MS;
        for (int i = 0; i < count; i++)
        {
            fixture.send(Message.builder(TOPIC).deliverAt(dueMs(firstDueMs, i)).body(BODY).build(), i % QUEUES, 0);
            if (i % 1_000 == 999)
            {
                fixture.drain();
            }
        }
        fixture.drain();
        assertEquals(Map.of(TOPIC, (long)count), await(fixture.broker.status()).timedPending());
        final long scheduled = usedHeapAfterGc() - baseline;

        fixture.restart();
        fixture.drain();
        assertEquals(Map.of(TOPIC, (long)count), await(fixture.broker.status()).timedPending());
        final long restarted = usedHeapAfterGc() - baseline;
        System.out.printf("timer heap: pending=%d, growthAfterScheduleMiB=%.1f, growthAfterRestartMiB=%.1f%n", count,
            scheduled / (double)(1 << 20), restarted / (double)(1 << 20));
        assertTrue(scheduled < MAX_GROWTH_MIB << 20, "heap growth with all pending: " + scheduled + " bytes");
        assertTrue(restarted < MAX_GROWTH_MIB << 20, "heap growth after the restart: " + restarted + " bytes");

        fixture.clock.update(firstDueMs - 1);
        fixture.drain();
        assertEquals(0, storedInTopic(), "nothing before the first due time");
        fixture.clock.update(firstDueMs + 5);
        fixture.drain();
        assertEquals(6, storedInTopic(), "the sample due at firstDue + 0..5 ms, at its due time");
        assertEquals(Map.of(TOPIC, (long)count - 6), await(fixture.broker.status()).timedPending());
        assertTrue(usedHeapAfterGc() - baseline < MAX_GROWTH_MIB << 20, "heap growth with one bucket loaded");
    }

    /**
     * Message {@code i} goes to bucket {@code i % BUCKETS}, at {@code i / BUCKETS} ms into it: buckets interleaved.
     */
    private static long dueMs(final long firstDueMs, final int i)
    {
        return firstDueMs + (long)(i % BUCKETS) * 10_000 + i / BUCKETS;
    }

    private long storedInTopic()
    {
        long stored = 0;
        for (int queueId = 0; queueId < QUEUES; queueId++)
        {
            stored += await(fixture.broker.queueOffsets(TOPIC, queueId)).maxOffset();
        }
        return stored;
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

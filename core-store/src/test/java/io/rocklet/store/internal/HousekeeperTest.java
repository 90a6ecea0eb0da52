package io.rocklet.store.internal;

import io.rocklet.store.FlushMode;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.TestStores;
import io.rocklet.store.internal.flush.Checkpointer;
import io.rocklet.store.internal.flush.LogFlusher;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.queue.TopicTable;
import io.rocklet.store.internal.recovery.Checkpoint;
import io.rocklet.store.internal.retention.Retention;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class HousekeeperTest
{
    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final StoreHealth health = new StoreHealth("test");
    private final AtomicLong committed = new AtomicLong();
    private final CountDownLatch inSync = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private CommitLog log;
    private KeyIndex keyIndex;

    @AfterEach
    void close()
    {
        release.countDown();
        pool.shutdownNow();
        keyIndex.close();
        log.close();
    }

    @Test
    void shouldRetryTheCheckpointInsteadOfFencingWhenItsFlushWaitTimesOut() throws Exception
    {
        clock.update(TestStores.START_MS);
        final AtomicLong nanos = new AtomicLong();
        final NanoClock fastClock = () -> nanos.addAndGet(TimeUnit.SECONDS.toNanos(10));
        final StoreConfig config = TestStores.small(dir).fsync(true).flushMode(FlushMode.SYNC).clock(clock)
            .checkpointInterval(Duration.ofSeconds(1)).syncFlushTimeout(Duration.ofSeconds(5)).build();
        final LogFlusher flusher = new LogFlusher((from, to) ->
        {
            inSync.countDown();
            await(release);
        }, health, committed::get, fastClock, TimeUnit.SECONDS.toNanos(5), true, 0);
        log = new CommitLog(dir, config.segmentSizeBytes(), false);
        keyIndex = new KeyIndex(dir, config.indexSlotsPerFile(), config.indexEntriesPerFile(), false);
        final TopicTable topics = new TopicTable(dir, config.consumeQueueEntriesPerFile(), false);
        final Checkpointer checkpointer = new Checkpointer(dir, topics, keyIndex, flusher, committed::get, () -> 0L,
            true);
        final Retention retention = new Retention(dir, log, topics, keyIndex, health, d -> 0.1, committed::get,
            TimeUnit.HOURS.toMillis(1), 0.75, 0.85, 0.9, false);
        final Housekeeper housekeeper = new Housekeeper(config, flusher, checkpointer, retention, log, committed::get,
            health);
        committed.set(100);
        final Future<?> slowAppend = pool.submit(() -> flusher.awaitDurable(100)); // a SYNC append's flush hangs
        assertTrue(inSync.await(30, TimeUnit.SECONDS), "the append's flush started");
        committed.set(200);

        clock.advance(1000);
        housekeeper.doWork(); // the checkpoint waits for a flush that does not end in time

        assertFalse(health.isFenced(), "a slow flush is not a failed one: " + health.fenceCause());
        assertNull(Checkpoint.read(dir), "no checkpoint yet");

        release.countDown();
        slowAppend.get(30, TimeUnit.SECONDS);
        clock.advance(1000);
        housekeeper.doWork();

        assertNotNull(Checkpoint.read(dir), "the next interval writes it");
        assertEquals(200, Checkpoint.read(dir).position());
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "released");
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

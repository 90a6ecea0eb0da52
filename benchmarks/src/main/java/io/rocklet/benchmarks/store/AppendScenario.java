package io.rocklet.benchmarks.store;

import io.rocklet.store.FlushMode;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.StoreConfig;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Append throughput: a store with default settings (1 GiB segments, dispatcher and housekeeper on
 * threads of their own) on the real disk, appended to by a number of threads for a fixed time after
 * a warm-up. Reports msgs/s and, in ASYNC mode, how far the dispatcher was behind at the end, how
 * long it took to catch up, and the bytes the appending threads allocated per append.
 */
final class AppendScenario
{
    private static final long CATCH_UP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final ScenarioSettings settings;
    private final Results results;
    private final BenchDirectory directories;

    AppendScenario(final ScenarioSettings settings, final Results results, final BenchDirectory directories)
    {
        this.settings = settings;
        this.results = results;
        this.directories = directories;
    }

    /**
     * @param name      the figure's name.
     * @param flushMode ASYNC or SYNC.
     * @param threads   appending threads.
     * @param bodyBytes message body size.
     */
    void run(final String name, final FlushMode flushMode, final int threads, final int bodyBytes)
    {
        run(name, flushMode, threads, bodyBytes, 1);
    }

    /**
     * @param name      the figure's name.
     * @param flushMode ASYNC or SYNC.
     * @param threads   appending threads.
     * @param bodyBytes message body size.
     * @param batchSize messages per append (1: one by one; more: {@code MessageStore.appendBatch}).
     */
    void run(final String name, final FlushMode flushMode, final int threads, final int bodyBytes, final int batchSize)
    {
        final boolean sync = flushMode == FlushMode.SYNC;
        final long warmupNs = TimeUnit.MILLISECONDS.toNanos(sync ? settings.syncWarmupMs() : settings.warmupMs());
        final long measureNs = TimeUnit.MILLISECONDS.toNanos(sync ? settings.syncMeasureMs() : settings.measureMs());
        final Path directory = directories.fresh(name);
        results.note("%s: flush=%s threads=%d body=%d B batch=%d queues=%d segment=1 GiB warmupMs=%d measureMs=%d " +
            "dir=%s", name, flushMode, threads, bodyBytes, batchSize, BenchMessages.QUEUES, TimeUnit.NANOSECONDS.toMillis(warmupNs),
            TimeUnit.NANOSECONDS.toMillis(measureNs), directory);
        try
        {
            final StoreConfig config = StoreConfig.builder(directory).flushMode(flushMode).build();
            try (MessageStore store = MessageStores.open(config))
            {
                final TimedWriters writers = new TimedWriters(store, BenchMessages.requests(bodyBytes), batchSize);
                final int recordBytes = BenchMessages.RECORD_OVERHEAD_BYTES + bodyBytes;
                writers.run(threads, warmupNs, sync ? Long.MAX_VALUE : settings.maxWarmupMessages(recordBytes), sync);
                DispatchCatchUp.await(store, CATCH_UP_TIMEOUT_NS);

                final long startPosition = store.stats().writePosition();
                final TimedWriters.Outcome outcome = writers.run(threads, measureNs,
                    sync ? Long.MAX_VALUE : settings.maxMeasureMessages(recordBytes), sync);
                final long lagAtEnd = store.dispatchLagBytes();
                final long endPosition = store.stats().writePosition();
                final long catchUpNs = DispatchCatchUp.await(store, CATCH_UP_TIMEOUT_NS);
                directories.recordWritten(endPosition);

                results.report(name, outcome.messagesPerSecond(), "msgs/s");
                results.note("%s: messages=%d seconds=%.3f logMiBPerSecond=%.1f busyErrors=%d", name,
                    outcome.messages(), outcome.elapsedNs() / 1e9,
                    (endPosition - startPosition) / (1024.0 * 1024.0) / (outcome.elapsedNs() / 1e9),
                    outcome.busyErrors());
                if (!sync)
                {
                    results.report(name + ".dispatch_lag_bytes", lagAtEnd, "bytes");
                    results.report(name + ".dispatch_max_lag_bytes", outcome.maxLagBytes(), "bytes");
                    results.report(name + ".dispatch_catchup_ms", catchUpNs / 1e6, "ms");
                    results.report(name + ".thread_alloc_bytes_per_op", outcome.allocatedBytesPerMessage(), "B/op");
                }
            }
        }
        finally
        {
            BenchDirectory.delete(directory);
        }
    }
}

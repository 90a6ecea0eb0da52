package io.rocklet.benchmarks.store;

import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.StoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Crash recovery: writes at least {@link ScenarioSettings#recoveryBytes()} of 128 B messages, closes the
 * store, then leaves the directory as a crash would with the worst checkpoint (an {@code abort} file
 * present, no {@code checkpoint} file), so that opening scans and CRC-checks the whole log and rebuilds
 * the consume queues. Times {@link MessageStores#open} and reports seconds per GiB of log scanned. The
 * log was just written, so the page cache is warm: this measures the scan, not the disk.
 *
 * <p>Then {@code store.recovery.damaged.s_per_gib}: the recovered store is closed cleanly, 32 random bytes are
 * written in the middle of the log, and the open is timed again: it verifies the whole log, quarantines the
 * damaged record and re-synchronises on the next intact one (goal: at most 2 s/GiB).
 */
final class RecoveryScenario
{
    private static final String NAME = "store.recovery.s_per_gib";
    private static final String DAMAGED_NAME = "store.recovery.damaged.s_per_gib";
    private static final int DAMAGE_BYTES = 32;
    private static final int BODY_BYTES = 128;
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;
    private static final long CATCH_UP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    private static final long WRITE_CHUNK_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ScenarioSettings settings;
    private final Results results;
    private final BenchDirectory directories;

    RecoveryScenario(final ScenarioSettings settings, final Results results, final BenchDirectory directories)
    {
        this.settings = settings;
        this.results = results;
        this.directories = directories;
    }

    void run()
    {
        final Path directory = directories.fresh(NAME);
        results.note("%s: flush=ASYNC before the crash, body=%d B queues=%d target=%.2f GiB page cache warm dir=%s",
            NAME, BODY_BYTES, BenchMessages.QUEUES, settings.recoveryBytes() / GIB, directory);
        try
        {
            final StoreConfig config = StoreConfig.builder(directory).build();
            write(config);
            simulateCrash(directory);

            final long start = System.nanoTime();
            try (MessageStore store = MessageStores.open(config))
            {
                final long openNs = System.nanoTime() - start;
                final RecoveryReport report = store.recoveryReport();
                final long scanned = report.logEndPosition() - report.checkpointPosition();
                if (report.cleanShutdown() || scanned < (long)GIB || report.droppedBytes() > 0)
                {
                    throw new IllegalStateException("recovery did not scan the whole log: report=" + report);
                }
                results.report(NAME, openNs / 1e9 / (scanned / GIB), "s/GiB");
                results.note("%s: scannedGiB=%.3f records=%d openSeconds=%.3f reportedDurationMs=%d " +
                    "rebuiltQueues=%d", NAME, scanned / GIB, report.recordsScanned(), openNs / 1e9,
                    report.durationMs(), report.rebuiltQueues().size());
            }
            damageAndRecover(config, directory);
        }
        finally
        {
            BenchDirectory.delete(directory);
        }
    }

    private void damageAndRecover(final StoreConfig config, final Path directory)
    {
        final long middle;
        try (MessageStore store = MessageStores.open(config))
        {
            middle = store.stats().writePosition() / 2;
        }
        final long segmentBase = middle - middle % config.segmentSizeBytes();
        final Path segment = directory.resolve("commitlog").resolve(String.format("%020d", segmentBase));
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(segment.toFile(), "rw"))
        {
            final byte[] garbage = new byte[DAMAGE_BYTES];
            new java.util.Random(middle).nextBytes(garbage);
            file.seek(middle - segmentBase);
            file.write(garbage);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot damage the log: file=" + segment, e);
        }
        final long start = System.nanoTime();
        try (MessageStore store = MessageStores.open(config))
        {
            final long openNs = System.nanoTime() - start;
            final RecoveryReport report = store.recoveryReport();
            final long verified = report.logEndPosition() - store.stats().minLogOffset();
            if (report.damagedRanges().size() != 1 || report.droppedBytes() > 0 || verified < (long)GIB)
            {
                throw new IllegalStateException("recovery did not bridge the damage in a whole-log scan: report=" +
                    report);
            }
            final double secondsPerGib = openNs / 1e9 / (verified / GIB);
            results.report(DAMAGED_NAME, secondsPerGib, "s/GiB");
            // the same run's crash recovery of the same log is the reference
            results.value(NAME).ifPresent(crash -> results.report("store.recovery.damaged_vs_crash",
                secondsPerGib / crash, "ratio"));
            results.note("%s: clean shutdown, %d random bytes at logOffset=%d; verifiedGiB=%.3f records=%d " +
                "openSeconds=%.3f skipped=%s", DAMAGED_NAME, DAMAGE_BYTES, middle, verified / GIB,
                report.recordsScanned(), openNs / 1e9, report.damagedRanges());
        }
    }

    private void write(final StoreConfig config)
    {
        try (MessageStore store = MessageStores.open(config))
        {
            final TimedWriters writers = new TimedWriters(store, BenchMessages.requests(BODY_BYTES));
            while (store.stats().writePosition() < settings.recoveryBytes())
            {
                writers.run(1, WRITE_CHUNK_NS, Long.MAX_VALUE, false);
            }
            directories.recordWritten(store.stats().writePosition());
            DispatchCatchUp.await(store, CATCH_UP_TIMEOUT_NS);
        }
    }

    private static void simulateCrash(final Path directory)
    {
        try
        {
            Files.write(directory.resolve("abort"), new byte[0]);
            Files.deleteIfExists(directory.resolve("checkpoint"));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot put the store in its crashed state: dir=" + directory, e);
        }
    }
}

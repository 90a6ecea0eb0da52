package io.rocklet.benchmarks.store;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The comparison baseline: Chronicle Queue appending the same 128 B bodies from one thread, in a
 * directory of its own, with its defaults (no fsync, the page cache only), timed and capped like
 * {@link AppendScenario}. Run right after the store's figure so that both see the same machine.
 */
final class ChronicleAppendScenario
{
    static final String NAME = "chronicle.append.128b.t1";
    private static final int BODY_BYTES = 128;
    private static final int CLOCK_CHECK_INTERVAL = 256;
    /** Chronicle's excerpt header. */
    private static final int EXCERPT_OVERHEAD_BYTES = 4;

    private final ScenarioSettings settings;
    private final Results results;
    private final BenchDirectory directories;

    ChronicleAppendScenario(final ScenarioSettings settings, final Results results, final BenchDirectory directories)
    {
        this.settings = settings;
        this.results = results;
        this.directories = directories;
    }

    void run()
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final Path directory = directories.fresh(NAME);
        results.note("%s: Chronicle Queue defaults (no fsync) threads=1 body=%d B warmupMs=%d measureMs=%d dir=%s",
            NAME, BODY_BYTES, settings.warmupMs(), settings.measureMs(), directory);
        final byte[] body = BenchMessages.body(BODY_BYTES);
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(directory).build();
             ExcerptAppender appender = queue.createAppender())
        {
            final int recordBytes = BODY_BYTES + EXCERPT_OVERHEAD_BYTES;
            final long warmup = appendFor(appender, body, TimeUnit.MILLISECONDS.toNanos(settings.warmupMs()),
                settings.maxWarmupMessages(recordBytes));
            final long start = System.nanoTime();
            final long messages = appendFor(appender, body, TimeUnit.MILLISECONDS.toNanos(settings.measureMs()),
                settings.maxMeasureMessages(recordBytes));
            final long elapsedNs = System.nanoTime() - start;
            directories.recordWritten((warmup + messages) * recordBytes);
            results.report(NAME, messages * 1e9 / elapsedNs, "msgs/s");
            results.note("%s: messages=%d seconds=%.3f", NAME, messages, elapsedNs / 1e9);
        }
        finally
        {
            BenchDirectory.delete(directory);
        }
    }

    private static long appendFor(final ExcerptAppender appender, final byte[] body, final long durationNs,
        final long maxMessages)
    {
        final long deadline = System.nanoTime() + durationNs;
        long count = 0;
        do
        {
            for (int i = 0; i < CLOCK_CHECK_INTERVAL; i++)
            {
                try (DocumentContext document = appender.writingDocument())
                {
                    final Bytes<?> bytes = document.wire().bytes();
                    bytes.write(body);
                }
            }
            count += CLOCK_CHECK_INTERVAL;
        }
        while (count < maxMessages && System.nanoTime() < deadline);
        return count;
    }
}

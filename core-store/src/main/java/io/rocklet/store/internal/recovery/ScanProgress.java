package io.rocklet.store.internal.recovery;

import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reports how far a long scan of the commit log got, at most every {@value #INTERVAL_SECONDS} seconds: percent of
 * the bytes to scan, bytes per second since the start, position and end. A recovery of a large log takes minutes;
 * an operator sees it move instead of silence. The clock is read once every {@value #CHECK_EVERY} records. Owned
 * by the scanning thread.
 */
final class ScanProgress
{
    static final int INTERVAL_SECONDS = 5;
    static final int CHECK_EVERY = 256;
    private static final Logger LOG = LoggerFactory.getLogger(ScanProgress.class);

    private final String phase;
    private final long from;
    private final long end;
    private final NanoClock clock;
    private final Consumer<String> sink;
    private final long startNs;
    private long nextReportNs;
    private int sinceCheck;

    /**
     * @param phase what the scan does, for the line (e.g. "verify", "dispatch").
     * @param from  where it started.
     * @param end   where the log ends (for the percentage).
     */
    static ScanProgress logging(final String phase, final long from, final long end)
    {
        return new ScanProgress(phase, from, end, System::nanoTime, LOG::info);
    }

    ScanProgress(final String phase, final long from, final long end, final NanoClock clock,
        final Consumer<String> sink)
    {
        this.phase = phase;
        this.from = from;
        this.end = Math.max(end, from);
        this.clock = clock;
        this.sink = sink;
        this.startNs = clock.nanoTime();
        this.nextReportNs = startNs + TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS);
    }

    /**
     * Called for each record scanned, with the position after it.
     */
    void onPosition(final long position)
    {
        if (++sinceCheck < CHECK_EVERY)
        {
            return;
        }
        sinceCheck = 0;
        final long nowNs = clock.nanoTime();
        if (nowNs - nextReportNs < 0)
        {
            return;
        }
        nextReportNs = nowNs + TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS);
        final long done = position - from;
        final double seconds = Math.max(1e-9, (nowNs - startNs) / 1e9);
        final double percent = end == from ? 100.0 : Math.min(100.0, 100.0 * done / (end - from));
        sink.accept(String.format(Locale.ROOT, "recovery progress: phase=%s, percent=%.1f, bytesPerSecond=%d, " +
            "position=%d, end=%d, elapsedSeconds=%.0f", phase, percent, (long)(done / seconds), position, end,
            seconds));
    }
}

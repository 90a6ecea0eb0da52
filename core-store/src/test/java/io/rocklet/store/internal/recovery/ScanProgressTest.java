package io.rocklet.store.internal.recovery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScanProgressTest
{
    private long nowNs;

    @Test
    void shouldReportPercentAndRateEveryFiveSecondsWhenAScanRunsLong()
    {
        final List<String> lines = new ArrayList<>();
        final ScanProgress progress = new ScanProgress("verify", 1000, 1000 + 10_000_000, () -> nowNs, lines::add);
        long position = 1000;
        for (int second = 1; second <= 12; second++)
        {
            nowNs = TimeUnit.SECONDS.toNanos(second);
            for (int i = 0; i < ScanProgress.CHECK_EVERY; i++)
            {
                position += 1000; // 256,000 bytes per simulated second
                progress.onPosition(position);
            }
        }

        assertEquals(2, lines.size(), lines::toString); // at 5 s and at 10 s, not every record
        assertTrue(lines.get(0).startsWith("recovery progress: phase=verify, percent=12.8, bytesPerSecond=256000, " +
            "position=1281000, end=10001000"), lines::toString);
        assertTrue(lines.get(1).contains("percent=25.6"), lines::toString);
    }

    @Test
    void shouldStaySilentWhenTheScanEndsWithinTheInterval()
    {
        final List<String> lines = new ArrayList<>();
        final ScanProgress progress = new ScanProgress("rebuild", 0, 100, () -> nowNs, lines::add);
        for (int i = 0; i < 10 * ScanProgress.CHECK_EVERY; i++)
        {
            nowNs += TimeUnit.MILLISECONDS.toNanos(1);
            progress.onPosition(i);
        }
        assertEquals(List.of(), lines);
    }
}

package io.rocklet.benchmarks.scenario;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyRecorderTest
{
    @Test
    void shouldGiveNearestRankPercentiles()
    {
        final LatencyRecorder recorder = new LatencyRecorder(1000);
        for (int i = 1000; i >= 1; i--)
        {
            recorder.record(i);
        }
        recorder.freeze();

        assertEquals(500, recorder.percentile(0.50));
        assertEquals(990, recorder.percentile(0.99));
        assertEquals(999, recorder.percentile(0.999));
        assertEquals(1, recorder.percentile(0));
        assertEquals(1000, recorder.percentile(1));
        assertEquals(1000, recorder.max());
        assertEquals(500.5, recorder.mean());
        assertEquals(10, recorder.countAbove(990));
        assertEquals(0, recorder.countAbove(1000));
        assertEquals(1000, recorder.countAbove(0));
    }

    @Test
    void shouldCountSamplesBeyondCapacityWithoutKeepingThem()
    {
        final LatencyRecorder recorder = new LatencyRecorder(2);
        recorder.record(5);
        recorder.record(7);
        recorder.record(1_000_000);
        recorder.freeze();

        assertEquals(2, recorder.count());
        assertEquals(1, recorder.overflow());
        assertEquals(7, recorder.max());
    }

    @Test
    void shouldKeepEverySampleRecordedByManyThreads() throws Exception
    {
        final int threads = 4;
        final int perThread = 50_000;
        final LatencyRecorder recorder = new LatencyRecorder(threads * perThread);
        final List<Thread> recorders = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            recorders.add(new Thread(() ->
            {
                for (int i = 1; i <= perThread; i++)
                {
                    recorder.record(i);
                }
            }));
        }
        recorders.forEach(Thread::start);
        for (final Thread thread : recorders)
        {
            thread.join();
        }

        assertTrue(recorder.awaitCount(threads * perThread, 1_000_000_000L));
        recorder.freeze();
        assertEquals(perThread, recorder.max());
        assertEquals(1, recorder.percentile(0));
        assertEquals(perThread / 2, recorder.percentile(0.5));
    }

    @Test
    void shouldRefuseToReadWithoutSamples()
    {
        final LatencyRecorder recorder = new LatencyRecorder(10);
        assertThrows(IllegalStateException.class, () -> recorder.percentile(0.5));
        recorder.freeze();
        assertThrows(IllegalStateException.class, recorder::max);
    }
}

package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.store.BenchDirectory;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.embedded.EmbeddedRocklet;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Start-up and close in a JVM that has already started instances (classes loaded, JIT warm): the
 * "later start" figures. One unmeasured cycle of each kind first, then {@link LocalSettings#cycles()} of:
 * <ul>
 *     <li>ephemeral: {@link StartedRocklet#start} on {@code EmbeddedRocklet.ephemeral()}, 10 messages exchanged,
 *     100 ms idle (the consumer waits in a long poll), then {@code close()} timed with the producer and the
 *     consumer open ({@code local.close_ms});</li>
 *     <li>persistent: the same on {@code EmbeddedRocklet.persistent(dir)} with a new empty directory
 *     ({@code local.startup.persistent_ms}), then again on the directory just closed, which holds the topic,
 *     the messages and the group's offsets ({@code local.startup.persistent_restart_ms}).</li>
 * </ul>
 * Each figure is the median of its cycles; the notes give every sample.
 */
final class LifecycleScenario
{
    private static final int EXCHANGED = 10;
    private static final long IDLE_MS = 100;

    private final LocalSettings settings;
    private final Results results;
    private final BenchDirectory directories;

    LifecycleScenario(final LocalSettings settings, final Results results, final BenchDirectory directories)
    {
        this.settings = settings;
        this.results = results;
        this.directories = directories;
    }

    void run() throws InterruptedException
    {
        final int cycles = settings.cycles();
        final double[] ephemeralStart = new double[cycles];
        final double[] ephemeralClose = new double[cycles];
        final double[] persistentStart = new double[cycles];
        final double[] persistentClose = new double[cycles];
        final double[] restartStart = new double[cycles];
        String ephemeralSteps = "";
        String persistentSteps = "";
        String restartSteps = "";
        results.note("local.startup: %d measured cycles after one unmeasured cycle of each kind; ready = started " +
            "router and broker, topic created, producer, started push consumer", cycles);
        for (int cycle = -1; cycle < cycles; cycle++)
        {
            final StartedRocklet ephemeral = StartedRocklet.start(EmbeddedRocklet::ephemeral);
            final double ephemeralReady = ephemeral.readyMs();
            if (cycle == -1)
            {
                results.note("local.startup: %s", LocalBench.storeSettings(ephemeral.rocklet()));
            }
            final double ephemeralClosed = idleThenClose(ephemeral);

            final Path directory = directories.fresh("local-persistent");
            try
            {
                final StartedRocklet persistent = StartedRocklet.start(() -> EmbeddedRocklet.persistent(directory));
                final double persistentReady = persistent.readyMs();
                if (cycle == -1)
                {
                    results.note("local.startup: persistent %s", LocalBench.storeSettings(persistent.rocklet()));
                }
                final double persistentClosed = idleThenClose(persistent);
                final StartedRocklet restarted = StartedRocklet.start(() -> EmbeddedRocklet.persistent(directory));
                final double restartReady = restarted.readyMs();
                idleThenClose(restarted);
                if (cycle >= 0)
                {
                    ephemeralStart[cycle] = ephemeralReady;
                    ephemeralClose[cycle] = ephemeralClosed;
                    persistentStart[cycle] = persistentReady;
                    persistentClose[cycle] = persistentClosed;
                    restartStart[cycle] = restartReady;
                    ephemeralSteps = ephemeral.steps();
                    persistentSteps = persistent.steps();
                    restartSteps = restarted.steps();
                }
            }
            finally
            {
                BenchDirectory.delete(directory);
            }
        }
        report("local.startup.ephemeral_ms", ephemeralStart, ephemeralSteps);
        report("local.startup.persistent_ms", persistentStart, persistentSteps);
        report("local.startup.persistent_restart_ms", restartStart, restartSteps);
        report("local.close_ms", ephemeralClose, "ephemeral instance, producer and push consumer open");
        results.report("local.close_ms.max", Arrays.stream(ephemeralClose).max().orElseThrow(), "ms");
        results.note("local.close_ms: persistent instances closed in %s ms", samples(persistentClose));
    }

    private static double idleThenClose(final StartedRocklet started) throws InterruptedException
    {
        try
        {
            started.exchange(EXCHANGED);
            Thread.sleep(IDLE_MS);
        }
        catch (final RuntimeException | InterruptedException e)
        {
            started.close();
            throw e;
        }
        return started.close() / 1e6;
    }

    private void report(final String name, final double[] samples, final String lastSteps)
    {
        results.report(name, median(samples), "ms");
        results.note("%s: samples %s ms; last cycle: %s", name, samples(samples), lastSteps);
    }

    static double median(final double[] samples)
    {
        final double[] sorted = samples.clone();
        Arrays.sort(sorted);
        final int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String samples(final double[] samples)
    {
        final StringJoiner joined = new StringJoiner(" ");
        for (final double sample : samples)
        {
            joined.add(String.format(Locale.ROOT, "%.1f", sample));
        }
        return joined.toString();
    }
}

package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.store.BenchDirectory;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.store.internal.file.JvmFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded broker's figures measured in one JVM, one {@code RESULT <name> <value> <unit>} line each:
 * send throughput (sync from 1 and 4 threads, async), end-to-end latency at a fixed rate, catch-up
 * consumption of a backlog, start-up and close of instances after the first, and the JUnit test kit's overhead
 * (groups {@code send}, {@code e2e}, {@code catchup}, {@code lifecycle}, {@code testkit}). The figures that need a fresh JVM are {@link FirstStart}
 * and {@link IdleFootprint}. Run by {@code benchmarks/run.sh local}; see {@link LocalSettings} for the
 * options and benchmarks/README.md for what each figure means.
 */
public final class LocalScenarios
{
    private static final Logger LOG = LoggerFactory.getLogger(LocalScenarios.class);

    private final LocalSettings settings;
    private final Results results;
    private final List<String> failures = new ArrayList<>();

    LocalScenarios(final LocalSettings settings, final Results results)
    {
        this.settings = settings;
        this.results = results;
    }

    public static void main(final String[] args)
    {
        final List<String> missing = JvmFlags.missing();
        if (!missing.isEmpty())
        {
            System.err.println("the embedded broker's store needs the Chronicle JVM flags, missing: " +
                String.join(" ", missing) + "; start java with: " + JvmFlags.ALL_FLAGS);
            System.exit(2);
        }
        final LocalScenarios scenarios = new LocalScenarios(LocalSettings.parse(args), new Results(System.out));
        System.exit(scenarios.runAll() ? 0 : 1);
    }

    /**
     * Runs the selected groups; a failing figure is reported and the others still run.
     *
     * @return true when every figure was measured.
     */
    boolean runAll()
    {
        results.note("local scenarios: groups=%s quick=%s ephemeral instances in java.io.tmpdir=%s, persistent in %s",
            settings.groups(), settings.quick(), System.getProperty("java.io.tmpdir"), settings.baseDirectory());
        results.note("flush mode: ASYNC for every figure (EmbeddedRocklet's default; ephemeral stores also skip " +
            "fsync entirely); each figure's note repeats the store settings it ran with");
        final SendScenario send = new SendScenario(settings, results);
        if (settings.runs("send"))
        {
            attempt("local.send.128b.sync.t1", () -> send.sync(1));
            attempt("local.send.128b.sync.t4", () -> send.sync(4));
            attempt("local.send.128b.async", send::async);
        }
        if (settings.runs("e2e"))
        {
            attempt(EndToEndScenario.NAME, () -> new EndToEndScenario(settings, results).run());
        }
        if (settings.runs("catchup"))
        {
            attempt(CatchUpScenario.NAME, () -> new CatchUpScenario(settings, results).run());
        }
        if (settings.runs("lifecycle"))
        {
            attempt("local.startup", () -> new LifecycleScenario(settings, results,
                new BenchDirectory(settings.baseDirectory())).run());
        }
        if (settings.runs("testkit"))
        {
            attempt(TestKitScenario.NAME, () -> new TestKitScenario(settings, results).run());
        }
        if (!failures.isEmpty())
        {
            results.note("FAILED figures: %s", String.join(", ", failures));
        }
        return failures.isEmpty();
    }

    @FunctionalInterface
    private interface Scenario
    {
        void run() throws Exception;
    }

    private void attempt(final String name, final Scenario scenario)
    {
        results.note("%s: load average %.2f on %d cores at start", name,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            Runtime.getRuntime().availableProcessors());
        try
        {
            scenario.run();
        }
        catch (final Exception e)
        {
            failures.add(name);
            results.note("FAILED %s: %s", name, e);
            LOG.error("scenario failed: name={}", name, e);
            if (e instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}

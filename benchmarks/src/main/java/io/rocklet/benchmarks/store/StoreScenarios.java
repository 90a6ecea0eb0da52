package io.rocklet.benchmarks.store;

import io.rocklet.store.FlushMode;
import io.rocklet.store.internal.file.JvmFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The store's end-to-end figures, one {@code RESULT <name> <value> <unit>} line each: append
 * throughput (ASYNC and SYNC, one to sixteen threads), Chronicle Queue's append rate in the same run
 * and the ratio to it, catch-up read of a large backlog, and crash recovery. Run by
 * {@code benchmarks/run.sh store}; see {@link ScenarioSettings} for the options and
 * benchmarks/README.md for what each figure means.
 */
public final class StoreScenarios
{
    private static final Logger LOG = LoggerFactory.getLogger(StoreScenarios.class);
    private static final String APPEND_T1 = "store.append.128b.t1.async";
    private static final String APPEND_BATCH32 = "store.append.128b.batch32.async";

    private final ScenarioSettings settings;
    private final Results results;
    private final BenchDirectory directories;
    private final List<String> failures = new ArrayList<>();

    StoreScenarios(final ScenarioSettings settings, final Results results)
    {
        this.settings = settings;
        this.results = results;
        this.directories = new BenchDirectory(settings.baseDirectory());
    }

    public static void main(final String[] args)
    {
        final List<String> missing = JvmFlags.missing();
        if (!missing.isEmpty())
        {
            System.err.println("store scenarios need the Chronicle JVM flags, missing: " + String.join(" ", missing) +
                "; start java with: " + JvmFlags.ALL_FLAGS);
            System.exit(2);
        }
        final StoreScenarios scenarios = new StoreScenarios(ScenarioSettings.parse(args), new Results(System.out));
        final boolean ok = scenarios.runAll();
        System.exit(ok ? 0 : 1);
    }

    /**
     * Runs the selected groups; a failing figure is reported and the others still run.
     *
     * @return true when every figure was measured.
     */
    boolean runAll()
    {
        describe();
        final AppendScenario append = new AppendScenario(settings, results, directories);
        if (settings.runs("append"))
        {
            attempt(APPEND_T1, () -> append.run(APPEND_T1, FlushMode.ASYNC, 1, 128));
        }
        if (settings.runs("chronicle"))
        {
            final ChronicleAppendScenario chronicle = new ChronicleAppendScenario(settings, results, directories);
            attempt(ChronicleAppendScenario.NAME, chronicle::run);
            reportChronicleRatio();
        }
        if (settings.runs("append"))
        {
            appendFigure(append, "store.append.1kb.t1.async", FlushMode.ASYNC, 1, 1024);
            appendFigure(append, "store.append.128b.t2.async", FlushMode.ASYNC, 2, 128);
            attempt(APPEND_BATCH32, () -> append.run(APPEND_BATCH32, FlushMode.ASYNC, 1, 128, 32));
            reportBatchRatio();
        }
        if (settings.runs("sync"))
        {
            appendFigure(append, "store.append.128b.t1.sync", FlushMode.SYNC, 1, 128);
            appendFigure(append, "store.append.128b.t16.sync", FlushMode.SYNC, 16, 128);
        }
        if (settings.runs("read"))
        {
            attempt("store.read.128b.catchup", () -> new CatchUpReadScenario(settings, results, directories).run());
        }
        if (settings.runs("recovery"))
        {
            attempt("store.recovery.s_per_gib", () -> new RecoveryScenario(settings, results, directories).run());
        }
        results.note("data written by the scenarios: %.2f GiB (deleted after each figure)",
            directories.writtenBytes() / (1024.0 * 1024.0 * 1024.0));
        if (!failures.isEmpty())
        {
            results.note("FAILED figures: %s", String.join(", ", failures));
        }
        return failures.isEmpty();
    }

    private void describe()
    {
        results.note("store scenarios: dir=%s groups=%s", settings.baseDirectory(), settings.groups());
        results.note("flush mode per figure:");
        results.note("  store.append.128b.t1.async, .1kb.t1.async, .128b.t2.async, .128b.batch32.async (one thread, " +
            "batches of 32 through appendBatch): ASYNC (msync every 500 ms " +
            "when >= 4 pages are dirty)");
        results.note("  chronicle.append.128b.t1: Chronicle Queue default (no fsync, page cache only)");
        results.note("  store.append.128b.t1.sync, .t16.sync: SYNC (group commit, msync before the ack)");
        results.note("  store.read.128b.catchup: backlog written ASYNC, read from the page cache");
        results.note("  store.recovery.s_per_gib: written ASYNC, closed, crash simulated, recovered from a warm " +
            "page cache");
        results.note("  store.recovery.damaged.s_per_gib: the same log closed cleanly, 32 random bytes in its middle, " +
            "reopened: whole-log verification, quarantine and re-synchronisation (goal <= 2)");
    }

    private void reportChronicleRatio()
    {
        final OptionalDouble store = results.value(APPEND_T1);
        final OptionalDouble chronicle = results.value(ChronicleAppendScenario.NAME);
        if (store.isPresent() && chronicle.isPresent() && chronicle.getAsDouble() > 0)
        {
            results.report("store.append.vs_chronicle", store.getAsDouble() / chronicle.getAsDouble(), "ratio");
        }
    }

    private void reportBatchRatio()
    {
        final OptionalDouble single = results.value(APPEND_T1);
        final OptionalDouble batched = results.value(APPEND_BATCH32);
        if (single.isPresent() && batched.isPresent() && single.getAsDouble() > 0)
        {
            results.report("store.append.batch32_vs_t1", batched.getAsDouble() / single.getAsDouble(), "ratio");
        }
    }

    private void appendFigure(final AppendScenario append, final String name, final FlushMode flushMode,
        final int threads, final int bodyBytes)
    {
        attempt(name, () -> append.run(name, flushMode, threads, bodyBytes));
    }

    private void attempt(final String name, final Runnable scenario)
    {
        results.note("%s: load average %.2f on %d cores at start", name,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            Runtime.getRuntime().availableProcessors());
        try
        {
            scenario.run();
        }
        catch (final RuntimeException e)
        {
            failures.add(name);
            results.note("FAILED %s: %s", name, e);
            LOG.error("scenario failed: name={}", name, e);
        }
    }
}

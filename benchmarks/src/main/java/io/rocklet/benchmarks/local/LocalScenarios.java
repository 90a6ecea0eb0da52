package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.scenario.Attempts;
import io.rocklet.benchmarks.scenario.CatchUpScenario;
import io.rocklet.benchmarks.scenario.EndToEndScenario;
import io.rocklet.benchmarks.scenario.SendScenario;
import io.rocklet.benchmarks.store.BenchDirectory;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.store.internal.file.JvmFlags;

import java.util.List;

/**
 * The embedded broker's figures measured in one JVM, one {@code RESULT <name> <value> <unit>} line each:
 * send throughput (sync from 1 and 4 threads, async), end-to-end latency at a fixed rate, catch-up
 * consumption of a backlog (the client scenarios of {@code io.rocklet.benchmarks.scenario}, over
 * {@link LocalTarget}), broker-side SQL92 filtering relative to tag filtering ({@link FilterScenario}), start-up
 * and close of instances after the first, and the JUnit test kit's overhead (groups {@code send}, {@code e2e},
 * {@code catchup}, {@code alloc}: bytes the JVM allocates per message
 * sent, delivered and committed ({@link AllocScenario}), {@code filter}, {@code lifecycle}, {@code testkit}, {@code txn}: transactions committed at once
 * next to plain sync sends of the same run). The figures that need a
 * fresh JVM are {@link FirstStart} and {@link IdleFootprint}. Run by {@code benchmarks/run.sh local}; see
 * {@link LocalSettings} for the options and benchmarks/README.md for what each figure means.
 */
public final class LocalScenarios
{
    private final LocalSettings settings;
    private final Results results;

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
        final Attempts attempts = new Attempts(results);
        final LocalTarget target = new LocalTarget();
        final SendScenario send = new SendScenario(target, settings.load(), results);
        if (settings.runs("send"))
        {
            attempts.attempt("local.send.128b.sync.t1", () -> send.sync(1));
            attempts.attempt("local.send.128b.sync.t4", () -> send.sync(4));
            attempts.attempt("local.send.128b.async", send::async);
            attempts.attempt("local.send.128b.async_batched", send::asyncBatched);
        }
        if (settings.runs("txn"))
        {
            attempts.attempt("txn.send.128b.sync.t4", () -> send.sync(4, "txn.send.128b.sync.t4"));
            attempts.attempt("txn.commit.128b.t4", () -> send.commit(4, "txn.commit.128b.t4"));
            attempts.attempt("txn.commit.ratio", () -> results.report("txn.commit.ratio",
                results.value("txn.commit.128b.t4").orElseThrow() / results.value("txn.send.128b.sync.t4")
                    .orElseThrow(), "ratio"));
        }
        if (settings.runs("e2e"))
        {
            final EndToEndScenario e2e = new EndToEndScenario(target, settings.load(), results);
            attempts.attempt(e2e.name(), e2e::run);
        }
        if (settings.runs("alloc"))
        {
            attempts.attempt(AllocScenario.NAME, () -> new AllocScenario(settings, results).run());
        }
        if (settings.runs("catchup"))
        {
            final CatchUpScenario catchUp = new CatchUpScenario(target, settings.load(), results);
            attempts.attempt(catchUp.name(), catchUp::run);
        }
        if (settings.runs("filter"))
        {
            attempts.attempt(FilterScenario.NAME, () -> new FilterScenario(settings, results).run());
        }
        if (settings.runs("lifecycle"))
        {
            attempts.attempt("local.startup", () -> new LifecycleScenario(settings, results,
                new BenchDirectory(settings.baseDirectory())).run());
        }
        if (settings.runs("testkit"))
        {
            attempts.attempt(TestKitScenario.NAME, () -> new TestKitScenario(settings, results).run());
        }
        return attempts.finish();
    }
}

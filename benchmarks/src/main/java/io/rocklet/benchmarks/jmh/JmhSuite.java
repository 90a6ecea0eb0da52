package io.rocklet.benchmarks.jmh;

import io.rocklet.benchmarks.store.Results;
import io.rocklet.store.internal.file.JvmFlags;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Runs the store's JMH benchmarks through JMH's Runner API with {@code -prof gc} and prints their
 * figures as {@code RESULT} lines: {@code store.append.alloc_bytes_per_op} (from
 * {@code gc.alloc.rate.norm}) and {@code store.append.128b.t1.jmh} from {@link StoreAppendBenchmark};
 * {@code design.append.direct} and {@code design.append.ringbuffer_handoff} from
 * {@link AppendDesignBenchmark}. JMH's own reports go to {@code jmh-store.log} and
 * {@code jmh-design.log} in the log directory.
 *
 * <p>The store benchmark writes about 1.1 GB per second to the disk on a fast machine, so its
 * iterations are short; the design benchmark touches memory only.
 *
 * <pre>
 * --log-dir DIR         where JMH writes its reports (default: standard output)
 * --dir DIR             where the append benchmark creates its store (default $ROCKLET_BENCH_DIR or /tmp)
 * --warmup N            warm-up iterations (default 2)
 * --iterations N        measured iterations (default 3)
 * --store-iteration-ms N  length of a store-benchmark iteration (default 500)
 * --design-iteration-ms N length of a design-benchmark iteration (default 1000)
 * </pre>
 */
public final class JmhSuite
{
    private static final String ALLOC_NORM = "gc.alloc.rate.norm";

    private final Results results = new Results(System.out);
    private final List<String> jvmArgs = new ArrayList<>(Arrays.asList(JvmFlags.ALL_FLAGS.split(" ")));
    private Path logDirectory;
    private int warmup = 2;
    private int iterations = 3;
    private long storeIterationMs = 500;
    private long designIterationMs = 1_000;

    private JmhSuite(final String[] args)
    {
        final String envDir = System.getenv("ROCKLET_BENCH_DIR");
        String dir = envDir != null && !envDir.isBlank() ? envDir : System.getProperty("java.io.tmpdir");
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            final String value = args[i + 1];
            switch (args[i])
            {
                case "--log-dir" -> logDirectory = Path.of(value);
                case "--dir" -> dir = value;
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--iterations" -> iterations = Integer.parseInt(value);
                case "--store-iteration-ms" -> storeIterationMs = Long.parseLong(value);
                case "--design-iteration-ms" -> designIterationMs = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option: option=" + args[i] +
                    ", known=--log-dir, --dir, --warmup, --iterations, --store-iteration-ms, --design-iteration-ms");
            }
        }
        jvmArgs.add("-D" + StoreAppendBenchmark.DIR_PROPERTY + "=" + Path.of(dir).toAbsolutePath());
        jvmArgs.add("-Dchronicle.analytics.disable=true");
        jvmArgs.add("-Xms1g");
        jvmArgs.add("-Xmx1g");
    }

    public static void main(final String[] args) throws RunnerException
    {
        final JmhSuite suite = new JmhSuite(args);
        suite.runStore();
        suite.runDesign();
    }

    private void runStore() throws RunnerException
    {
        results.note("JMH store.append.128b.t1.jmh, store.append.alloc_bytes_per_op: ASYNC flush, 1 GiB segments, " +
            "one thread, one reused request and receipt; 1 fork, %d+%d iterations of %d ms, -prof gc", warmup,
            iterations, storeIterationMs);
        for (final RunResult run : run(StoreAppendBenchmark.class, storeIterationMs, "jmh-store.log"))
        {
            results.report("store.append.128b.t1.jmh", run.getPrimaryResult().getScore(), "msgs/s");
            final double alloc = allocNorm(run);
            if (!Double.isNaN(alloc))
            {
                results.report("store.append.alloc_bytes_per_op", alloc, "B/op");
            }
        }
    }

    private void runDesign() throws RunnerException
    {
        results.note("JMH design.append.*: 128 B records + CRC32C into a 64 MiB direct buffer, one appender, no " +
            "file, no flush; 1 fork, %d+%d iterations of %d ms", warmup, iterations, designIterationMs);
        for (final RunResult run : run(AppendDesignBenchmark.class, designIterationMs, "jmh-design.log"))
        {
            final String benchmark = run.getParams().getBenchmark();
            final double score = run.getPrimaryResult().getScore();
            if (benchmark.endsWith(".direct"))
            {
                results.report("design.append.direct", score, "msgs/s");
            }
            else if (benchmark.endsWith(".ringbufferHandoff"))
            {
                results.report("design.append.ringbuffer_handoff", score, "msgs/s");
            }
        }
        final OptionalDouble direct = results.value("design.append.direct");
        final OptionalDouble handoff = results.value("design.append.ringbuffer_handoff");
        if (direct.isPresent() && handoff.isPresent() && handoff.getAsDouble() > 0)
        {
            results.report("design.append.direct_vs_handoff", direct.getAsDouble() / handoff.getAsDouble(), "ratio");
        }
    }

    private Collection<RunResult> run(final Class<?> benchmark, final long iterationMs, final String logName)
        throws RunnerException
    {
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include(Pattern.quote(benchmark.getName() + "."))
            .forks(1)
            .warmupIterations(warmup)
            .warmupTime(TimeValue.milliseconds(iterationMs))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.milliseconds(iterationMs))
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend(jvmArgs.toArray(new String[0]))
            .shouldFailOnError(true);
        if (logDirectory != null)
        {
            options.output(logDirectory.resolve(logName).toString());
        }
        return new Runner(options.build()).run();
    }

    /**
     * @return the run's {@code gc.alloc.rate.norm} (bytes allocated per operation), NaN without {@code -prof gc}.
     */
    @SuppressWarnings("rawtypes") // JMH declares the secondary results as Map<String, Result>
    private static double allocNorm(final RunResult run)
    {
        for (final var entry : run.getSecondaryResults().entrySet())
        {
            if (entry.getKey().endsWith(ALLOC_NORM))
            {
                return entry.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}

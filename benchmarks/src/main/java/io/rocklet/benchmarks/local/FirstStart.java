package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.store.BenchDirectory;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.embedded.EmbeddedRocklet;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The first start of an embedded instance in a fresh JVM ({@code run.sh} starts one JVM per mode): class
 * loading, logging set-up and the interpreter are part of it, the JVM's own start is not (the clock starts in
 * {@code main}, just before {@code EmbeddedRocklet.ephemeral()} or {@code persistent(dir)}). Prints
 * {@code local.startup.<mode>_ms.first}, then exchanges a message and closes the instance
 * ({@code local.close_ms.first}).
 *
 * <pre>
 * FirstStart --mode ephemeral|persistent [--dir DIR]   (persistent: a new directory under DIR, deleted after)
 * </pre>
 */
public final class FirstStart
{
    private FirstStart()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        String mode = "ephemeral";
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--mode" -> mode = args[i + 1];
                case "--dir" -> base = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option: option=" + args[i] + ", known=--mode, " +
                    "--dir");
            }
        }
        final Results results = new Results(System.out);
        final Path directory = mode.equals("persistent") ? new BenchDirectory(base).fresh("local-first") : null;
        final Supplier<EmbeddedRocklet> start = switch (mode)
        {
            case "ephemeral" -> EmbeddedRocklet::ephemeral;
            case "persistent" -> () -> EmbeddedRocklet.persistent(directory);
            default -> throw new IllegalArgumentException("unknown mode: mode=" + mode + ", known=ephemeral, " +
                "persistent");
        };
        final long jvmUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
        try
        {
            final StartedRocklet started = StartedRocklet.start(start);
            final long readyUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
            final String name = "local.startup." + mode + "_ms.first";
            results.report(name, started.readyMs(), "ms");
            results.note("%s: fresh JVM; %s; JVM uptime %d ms at main, %d ms when ready; %s", name, started.steps(),
                jvmUptimeMs, readyUptimeMs, LocalBench.storeSettings(started.rocklet()));
            final long exchangeNs = started.exchange(1);
            final long closeNs = started.close();
            results.report("local.close_ms.first." + mode, closeNs / 1e6, "ms");
            results.note("local.close_ms.first.%s: first close in this JVM; the first message had taken %.1f ms " +
                "from send to listener", mode, exchangeNs / 1e6);
        }
        finally
        {
            BenchDirectory.delete(directory);
        }
        System.exit(0);
    }
}

package io.rocklet.benchmarks.schedule;

import io.rocklet.benchmarks.scenario.Attempts;
import io.rocklet.benchmarks.scenario.Options;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.store.internal.file.JvmFlags;

import java.nio.file.Path;
import java.util.List;

/**
 * Scheduled delivery figures of the embedded broker, one {@code RESULT <name> <value> <unit>} line each: how late
 * timed messages arrive at a consumer at 10,000 due per second ({@link DeliveryErrorScenario}) and the heap a
 * broker holding 1,000,000 pending timed messages uses ({@link PendingHeapScenario}). The SQL92 filter figures of
 * the same suite come from {@code LocalScenarios --only filter}. Run by {@code benchmarks/run.sh schedule}.
 *
 * <pre>
 * --dir DIR    where the persistent brokers go (default java.io.tmpdir)
 * --quick      short runs (figures not meaningful)
 * </pre>
 */
public final class ScheduleScenarios
{
    private ScheduleScenarios()
    {
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
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        boolean quick = false;
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--quick"))
            {
                quick = true;
            }
            else if (args[i].equals("--dir"))
            {
                dir = Path.of(Options.value(args, i++));
            }
            else
            {
                throw new IllegalArgumentException("unknown option: option=" + args[i] + ", known=--dir, --quick");
            }
        }
        final Results results = new Results(System.out);
        results.note("schedule scenarios: quick=%s, persistent brokers in %s, ASYNC flush", quick, dir);
        final Attempts attempts = new Attempts(results);
        final Path base = dir;
        final boolean short_ = quick;
        attempts.attempt(DeliveryErrorScenario.NAME, () -> new DeliveryErrorScenario(base, short_, results).run());
        attempts.attempt(PendingHeapScenario.NAME, () -> new PendingHeapScenario(base, short_, results).run());
        System.exit(attempts.finish() ? 0 : 1);
    }
}

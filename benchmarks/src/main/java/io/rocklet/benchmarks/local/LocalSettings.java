package io.rocklet.benchmarks.local;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Options of {@link LocalScenarios}, from the command line; the defaults are the full run (about two
 * minutes), {@code --quick} switches every duration and count to a short harness check.
 *
 * <pre>
 * --dir DIR               where persistent instances go (default $ROCKLET_BENCH_DIR or java.io.tmpdir);
 *                         ephemeral instances go to java.io.tmpdir (run.sh points it at the data directory)
 * --only GROUP,...        send, e2e, catchup, lifecycle, testkit (default: all)
 * --quick                 short durations and counts (figures not meaningful); options after it still apply
 * --send-warmup-ms N      warm-up of each send figure (default 2000)
 * --send-measure-ms N     measurement of each send figure (default 3000)
 * --async-outstanding N   most sendAsync futures not yet completed (default 4096)
 * --e2e-rate N            messages per second of the end-to-end sender (default 100,000)
 * --e2e-warmup-s N        seconds sent at that rate before the measurement (default 5)
 * --e2e-seconds N         seconds measured (default 20)
 * --e2e-pacing MODE       spin (default: the sender busy-waits for each send time) or park (it sleeps
 *                         until the next send time, then sends every message that is due)
 * --catchup-messages N    backlog read by the catch-up consumer (default 1,000,000)
 * --cycles N              start/close cycles of each kind in the lifecycle group, and rounds of the
 *                         testkit group (default 10)
 * </pre>
 *
 * @param baseDirectory    where persistent instances go.
 * @param groups           groups to run.
 * @param quick            short harness check.
 * @param sendWarmupMs     send warm-up.
 * @param sendMeasureMs    send measurement.
 * @param asyncOutstanding most sendAsync futures in flight.
 * @param e2eRate          end-to-end sender rate, msgs/s.
 * @param e2eWarmupSeconds end-to-end warm-up.
 * @param e2eSeconds       end-to-end measurement.
 * @param e2ePacing        how the sender waits for each send time.
 * @param catchUpMessages  catch-up backlog.
 * @param cycles           start/close cycles.
 */
public record LocalSettings(
    Path baseDirectory,
    Set<String> groups,
    boolean quick,
    long sendWarmupMs,
    long sendMeasureMs,
    int asyncOutstanding,
    int e2eRate,
    int e2eWarmupSeconds,
    int e2eSeconds,
    Pacing e2ePacing,
    int catchUpMessages,
    int cycles)
{
    /** Every group, in the order they run. */
    public static final List<String> ALL_GROUPS = List.of("send", "e2e", "catchup", "lifecycle", "testkit");

    /** How the end-to-end sender waits for the intended send time of its next message. */
    public enum Pacing
    {
        /** Busy-waits (Thread.onSpinWait): sends on time, takes a core. */
        SPIN,
        /** Parks until the next send time, then sends every message due; wake-up lateness shows in the latency. */
        PARK
    }

    /**
     * @param args the command line.
     * @return the settings.
     * @throws IllegalArgumentException naming an unknown or malformed option.
     */
    public static LocalSettings parse(final String[] args)
    {
        final String envDir = System.getenv("ROCKLET_BENCH_DIR");
        Path base = Path.of(envDir != null && !envDir.isBlank() ? envDir : System.getProperty("java.io.tmpdir"));
        Set<String> groups = new LinkedHashSet<>(ALL_GROUPS);
        boolean quick = false;
        long sendWarmupMs = 2_000;
        long sendMeasureMs = 3_000;
        int asyncOutstanding = 4_096;
        int e2eRate = 100_000;
        int e2eWarmupSeconds = 5;
        int e2eSeconds = 20;
        Pacing pacing = Pacing.SPIN;
        int catchUpMessages = 1_000_000;
        int cycles = 10;
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (option.equals("--quick"))
            {
                quick = true;
                sendWarmupMs = 300;
                sendMeasureMs = 700;
                e2eWarmupSeconds = 1;
                e2eSeconds = 3;
                catchUpMessages = 200_000;
                cycles = 3;
                continue;
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("missing value: option=" + option);
            }
            final String value = args[++i];
            switch (option)
            {
                case "--dir" -> base = Path.of(value);
                case "--only" -> groups = groups(value);
                case "--send-warmup-ms" -> sendWarmupMs = atLeast(option, Long.parseLong(value), 0);
                case "--send-measure-ms" -> sendMeasureMs = atLeast(option, Long.parseLong(value), 1);
                case "--async-outstanding" -> asyncOutstanding = (int) atLeast(option, Integer.parseInt(value), 1);
                case "--e2e-rate" -> e2eRate = (int) atLeast(option, Integer.parseInt(value), 1);
                case "--e2e-warmup-s" -> e2eWarmupSeconds = (int) atLeast(option, Integer.parseInt(value), 0);
                case "--e2e-seconds" -> e2eSeconds = (int) atLeast(option, Integer.parseInt(value), 1);
                case "--e2e-pacing" -> pacing = Pacing.valueOf(value.toUpperCase(Locale.ROOT));
                case "--catchup-messages" -> catchUpMessages = (int) atLeast(option, Integer.parseInt(value), 1);
                case "--cycles" -> cycles = (int) atLeast(option, Integer.parseInt(value), 2);
                default -> throw new IllegalArgumentException("unknown option: option=" + option + ", known=--dir, " +
                    "--only, --quick, --send-warmup-ms, --send-measure-ms, --async-outstanding, --e2e-rate, " +
                    "--e2e-warmup-s, --e2e-seconds, --e2e-pacing, --catchup-messages, --cycles");
            }
        }
        if ((long) e2eRate * (e2eWarmupSeconds + e2eSeconds) > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("end-to-end run too large: rate=" + e2eRate + ", seconds=" +
                (e2eWarmupSeconds + e2eSeconds));
        }
        return new LocalSettings(base, groups, quick, sendWarmupMs, sendMeasureMs, asyncOutstanding, e2eRate,
            e2eWarmupSeconds, e2eSeconds, pacing, catchUpMessages, cycles);
    }

    /**
     * @return true when {@code group} is to run.
     */
    public boolean runs(final String group)
    {
        return groups.contains(group);
    }

    private static long atLeast(final String option, final long value, final long min)
    {
        if (value < min)
        {
            throw new IllegalArgumentException("option too small: option=" + option + ", value=" + value + ", min=" +
                min);
        }
        return value;
    }

    private static Set<String> groups(final String list)
    {
        final Set<String> groups = new LinkedHashSet<>();
        for (final String group : list.split(","))
        {
            final String name = group.trim();
            if (!ALL_GROUPS.contains(name))
            {
                throw new IllegalArgumentException("unknown group: group=" + name + ", known=" + ALL_GROUPS);
            }
            groups.add(name);
        }
        return groups;
    }
}

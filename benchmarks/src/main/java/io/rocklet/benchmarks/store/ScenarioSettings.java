package io.rocklet.benchmarks.store;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How long and how much the scenarios run, from the command line. Every option has a default sized
 * for a full run of about two minutes; {@code --only} picks groups of scenarios.
 *
 * <pre>
 * --dir DIR              where run directories go (default $ROCKLET_BENCH_DIR or /tmp)
 * --only GROUP,...       append, chronicle, sync, read, recovery (default: all)
 * --warmup-ms N          ASYNC append warm-up per figure (default 1500)
 * --measure-ms N         ASYNC append measurement per figure (default 3000)
 * --max-figure-bytes N   ASYNC append: stop measuring after this many log bytes (default 1.5 GiB; the
 *                        warm-up stops after a third of it), so a fast machine writes at most ~15 GB a run
 * --sync-warmup-ms N     SYNC append warm-up per figure (default 500)
 * --sync-measure-ms N    SYNC append measurement per figure (default 2000)
 * --read-messages N      backlog size of the catch-up read (default 10,000,000)
 * --read-batch N         messages per read call (default 256)
 * --recovery-bytes N     log bytes written before the crash (default 1.25 GiB)
 * </pre>
 *
 * @param baseDirectory   where run directories go.
 * @param groups          scenario groups to run.
 * @param warmupMs        ASYNC append warm-up.
 * @param measureMs       ASYNC append measurement.
 * @param maxFigureBytes  ASYNC append: log bytes after which a measurement stops early.
 * @param syncWarmupMs    SYNC append warm-up.
 * @param syncMeasureMs   SYNC append measurement.
 * @param readMessages    backlog size of the catch-up read.
 * @param readBatch       messages per read call.
 * @param recoveryBytes   log bytes written before the crash.
 */
public record ScenarioSettings(
    Path baseDirectory,
    Set<String> groups,
    long warmupMs,
    long measureMs,
    long maxFigureBytes,
    long syncWarmupMs,
    long syncMeasureMs,
    int readMessages,
    int readBatch,
    long recoveryBytes)
{
    /** Every scenario group, in the order they run. */
    public static final List<String> ALL_GROUPS = List.of("append", "chronicle", "sync", "read", "recovery");

    /**
     * @param args the command line.
     * @return the settings.
     * @throws IllegalArgumentException naming an unknown or malformed option.
     */
    public static ScenarioSettings parse(final String[] args)
    {
        final String envDir = System.getenv("ROCKLET_BENCH_DIR");
        Path base = Path.of(envDir != null && !envDir.isBlank() ? envDir : System.getProperty("java.io.tmpdir"));
        Set<String> groups = new LinkedHashSet<>(ALL_GROUPS);
        long warmupMs = 1_500;
        long measureMs = 3_000;
        long maxFigureBytes = 3L << 29;
        long syncWarmupMs = 500;
        long syncMeasureMs = 2_000;
        int readMessages = 10_000_000;
        int readBatch = 256;
        long recoveryBytes = (1L << 30) + (1L << 28);
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("missing value: option=" + option);
            }
            final String value = args[++i];
            switch (option)
            {
                case "--dir" -> base = Path.of(value);
                case "--only" -> groups = groups(value);
                case "--warmup-ms" -> warmupMs = Long.parseLong(value);
                case "--measure-ms" -> measureMs = Long.parseLong(value);
                case "--max-figure-bytes" -> maxFigureBytes = Long.parseLong(value);
                case "--sync-warmup-ms" -> syncWarmupMs = Long.parseLong(value);
                case "--sync-measure-ms" -> syncMeasureMs = Long.parseLong(value);
                case "--read-messages" -> readMessages = Integer.parseInt(value);
                case "--read-batch" -> readBatch = Integer.parseInt(value);
                case "--recovery-bytes" -> recoveryBytes = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option: option=" + option + ", known=--dir, " +
                    "--only, --warmup-ms, --measure-ms, --max-figure-bytes, --sync-warmup-ms, --sync-measure-ms, " +
                    "--read-messages, --read-batch, --recovery-bytes");
            }
        }
        return new ScenarioSettings(base, groups, warmupMs, measureMs, maxFigureBytes, syncWarmupMs, syncMeasureMs,
            readMessages, readBatch, recoveryBytes);
    }

    /**
     * @param recordBytes bytes one message takes in the log.
     * @return how many messages a measurement appends at most.
     */
    public long maxMeasureMessages(final int recordBytes)
    {
        return maxFigureBytes / recordBytes;
    }

    /**
     * @param recordBytes bytes one message takes in the log.
     * @return how many messages a warm-up appends at most.
     */
    public long maxWarmupMessages(final int recordBytes)
    {
        return maxFigureBytes / 3 / recordBytes;
    }

    /**
     * @return true when {@code group} is to run.
     */
    public boolean runs(final String group)
    {
        return groups.contains(group);
    }

    private static Set<String> groups(final String list)
    {
        final Set<String> groups = new LinkedHashSet<>();
        for (final String group : list.split(","))
        {
            final String name = group.trim();
            if (!ALL_GROUPS.contains(name))
            {
                throw new IllegalArgumentException("unknown scenario group: group=" + name + ", known=" + ALL_GROUPS);
            }
            groups.add(name);
        }
        return groups;
    }
}

package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.scenario.LoadSettings;
import io.rocklet.benchmarks.scenario.Options;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Options of {@link LocalScenarios}, from the command line; the defaults are the full run (about two
 * minutes), {@code --quick} switches every duration and count to a short harness check.
 *
 * <pre>
 * --dir DIR               where persistent instances go (default $ROCKLET_BENCH_DIR or java.io.tmpdir);
 *                         ephemeral instances go to java.io.tmpdir (run.sh points it at the data directory)
 * --only GROUP,...        send, e2e, alloc, catchup, filter, lifecycle, testkit, txn (default: all)
 * --quick                 short durations and counts (figures not meaningful); options after it still apply
 * --cycles N              start/close cycles of each kind in the lifecycle group, and rounds of the
 *                         testkit group (default 10; 3 with --quick)
 * </pre>
 * and the load options of {@link LoadSettings} with its defaults: 2 s + 3 s per send figure, at most 4,096
 * sendAsync futures outstanding, 100,000 msgs/s end to end for 20 s after 5 s with SPIN pacing, a catch-up
 * backlog of 1,000,000.
 *
 * @param baseDirectory where persistent instances go.
 * @param groups        groups to run.
 * @param quick         short harness check.
 * @param load          the send, end-to-end and catch-up settings.
 * @param cycles        start/close cycles.
 */
public record LocalSettings(Path baseDirectory, Set<String> groups, boolean quick, LoadSettings load, int cycles)
{
    /** Every group, in the order they run. */
    public static final List<String> ALL_GROUPS = List.of("send", "e2e", "alloc", "catchup", "filter", "lifecycle", "testkit",
        "txn");

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
        int cycles = 10;
        final LoadSettings.Builder load = LoadSettings.builder();
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (option.equals("--quick"))
            {
                quick = true;
                load.quick();
                cycles = 3;
                continue;
            }
            final String value = Options.value(args, i++);
            switch (option)
            {
                case "--dir" -> base = Path.of(value);
                case "--only" -> groups = Options.groups(value, ALL_GROUPS);
                case "--cycles" -> cycles = Options.intAtLeast(option, value, 2);
                default ->
                {
                    if (!load.option(option, value))
                    {
                        throw new IllegalArgumentException("unknown option: option=" + option + ", known=--dir, " +
                            "--only, --quick, --cycles, " + LoadSettings.OPTIONS);
                    }
                }
            }
        }
        return new LocalSettings(base, groups, quick, load.build(), cycles);
    }

    /**
     * @return true when {@code group} is to run.
     */
    public boolean runs(final String group)
    {
        return groups.contains(group);
    }
}

package io.rocklet.benchmarks.grpc;

import io.rocklet.benchmarks.scenario.LoadSettings;
import io.rocklet.benchmarks.scenario.Options;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Options of {@link GrpcScenarios}, from the command line; the defaults are the full run, {@code --quick} switches
 * every duration and count to a short harness check.
 *
 * <pre>
 * --dir DIR               where the broker's data directory is made, and deleted after the run (default
 *                         $ROCKLET_BENCH_DIR or java.io.tmpdir); a real disk, not tmpfs
 * --only GROUP,...        send, e2e, catchup (default: all)
 * --quick                 short durations and counts (figures not meaningful); options after it still apply
 * --flush MODE            the broker's flush mode: async (default) or sync
 * --server-jvm "OPTS"     heap and GC options of the server JVM (default "-Xms1g -Xmx1g -XX:+UseParallelGC
 *                         -XX:+AlwaysPreTouch")
 * --server-log FILE       where the server JVM's output goes (default DIR/grpc-server.log)
 * --warmup-s N            seconds of sends and a catch-up before the first figure, on topics of their own, so
 *                         that the JIT has compiled the paths measured (default 12; 3 with --quick; 0: none)
 * </pre>
 * and the load options of {@link LoadSettings} with the defaults of this suite: 2 s + 3 s per send figure, at
 * most 512 sendAsync futures outstanding (the client transport answers BUSY beyond 1,024 calls in flight to one
 * broker), batches of 32 from 4 threads, 5,000 msgs/s end to end for 20 s counted from the first second (no
 * warm-up) with PARK pacing and ASYNC sends, a catch-up backlog of 1,000,000.
 *
 * @param baseDirectory where the broker's data directory goes.
 * @param groups        groups to run.
 * @param quick         short harness check.
 * @param flush         the broker's flush mode ({@code async} or {@code sync}).
 * @param serverJvm     the server JVM's heap and GC options.
 * @param serverLog     the server JVM's log file.
 * @param warmupSeconds JIT warm-up before the figures.
 * @param load          the send, end-to-end and catch-up settings.
 */
public record GrpcSettings(Path baseDirectory, Set<String> groups, boolean quick, String flush, List<String> serverJvm,
    Path serverLog, int warmupSeconds, LoadSettings load)
{
    /** Every group, in the order they run. */
    public static final List<String> ALL_GROUPS = List.of("send", "e2e", "catchup");
    /** The most sendAsync futures in flight by default: under the transport's 1,024 calls in flight per peer. */
    public static final int DEFAULT_ASYNC_OUTSTANDING = 512;
    /** The end-to-end rate by default, msgs/s. */
    public static final int DEFAULT_E2E_RATE = 5_000;

    public GrpcSettings
    {
        groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups));
        serverJvm = List.copyOf(serverJvm);
    }

    /**
     * @param args the command line.
     * @return the settings.
     * @throws IllegalArgumentException naming an unknown or malformed option.
     */
    public static GrpcSettings parse(final String[] args)
    {
        final String envDir = System.getenv("ROCKLET_BENCH_DIR");
        Path base = Path.of(envDir != null && !envDir.isBlank() ? envDir : System.getProperty("java.io.tmpdir"));
        Set<String> groups = new LinkedHashSet<>(ALL_GROUPS);
        boolean quick = false;
        String flush = "async";
        List<String> serverJvm = List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "-XX:+AlwaysPreTouch");
        Path serverLog = null;
        int warmupSeconds = 12;
        final LoadSettings.Builder load = LoadSettings.builder().asyncOutstanding(DEFAULT_ASYNC_OUTSTANDING)
            .e2eRate(DEFAULT_E2E_RATE).e2ePacing(LoadSettings.Pacing.PARK).e2eSend(LoadSettings.SendMode.ASYNC);
        load.option("--e2e-warmup-s", "0"); // counted from the first second of sending (issue 15)
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (option.equals("--quick"))
            {
                quick = true;
                warmupSeconds = 3;
                load.quick();
                load.option("--e2e-warmup-s", "0");
                continue;
            }
            final String value = Options.value(args, i++);
            switch (option)
            {
                case "--dir" -> base = Path.of(value);
                case "--only" -> groups = Options.groups(value, ALL_GROUPS);
                case "--flush" -> flush = flush(value);
                case "--server-jvm" -> serverJvm = Arrays.stream(value.trim().split("\\s+"))
                    .filter(part -> !part.isEmpty()).toList();
                case "--server-log" -> serverLog = Path.of(value);
                case "--warmup-s" -> warmupSeconds = Options.intAtLeast(option, value, 0);
                default ->
                {
                    if (!load.option(option, value))
                    {
                        throw new IllegalArgumentException("unknown option: option=" + option + ", known=--dir, " +
                            "--only, --quick, --flush, --server-jvm, --server-log, --warmup-s, " +
                            LoadSettings.OPTIONS);
                    }
                }
            }
        }
        return new GrpcSettings(base, groups, quick, flush, serverJvm,
            serverLog != null ? serverLog : base.resolve("grpc-server.log"), warmupSeconds, load.build());
    }

    /**
     * @return true when {@code group} is to run.
     */
    public boolean runs(final String group)
    {
        return groups.contains(group);
    }

    private static String flush(final String value)
    {
        final String mode = value.toLowerCase(Locale.ROOT);
        if (!mode.equals("async") && !mode.equals("sync"))
        {
            throw new IllegalArgumentException("unknown flush mode: option=--flush, value=" + value +
                ", known=async, sync");
        }
        return mode;
    }
}

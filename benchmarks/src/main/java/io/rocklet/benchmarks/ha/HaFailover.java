package io.rocklet.benchmarks.ha;

import io.rocklet.benchmarks.store.Results;
import io.rocklet.cluster.ReplicaSetFailover;
import io.rocklet.store.internal.file.JvmFlags;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code ha.failover_ms} (issue 10, goal &lt;= 5,000 ms): SIGKILL of a replica set's master to the first acknowledged
 * send on the new master, across JVMs over gRPC on loopback, with three failover controllers, SYNC replication and
 * SYNC flush, a producer sending throughout ({@link ReplicaSetFailover}, the multi-JVM tests' harness). The child JVMs
 * run on this JVM's class path with the harness's small heaps.
 * Options: {@code --dir} (data and child logs), {@code --rate} (sends a second, default 100),
 * {@code --heartbeat-timeout} (the controllers', default 2s), {@code --runs} (default 1; every run is reported in a
 * note, the figure is the median), {@code --log-dir} (where the child JVMs' logs and the timeline are copied).
 */
public final class HaFailover
{
    private HaFailover()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final List<String> missing = JvmFlags.missing();
        if (!missing.isEmpty())
        {
            System.err.println("the store needs the Chronicle JVM flags, missing: " + String.join(" ", missing));
            System.exit(2);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        Path logDir = null;
        int rate = 100;
        int runs = 1;
        String heartbeatTimeout = "2s";
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--log-dir" -> logDir = Path.of(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--heartbeat-timeout" -> heartbeatTimeout = args[++i];
                default -> throw new IllegalArgumentException("unknown option: " + args[i] + ", known: --dir, " +
                    "--log-dir, --rate, --runs, --heartbeat-timeout");
            }
        }
        final Results results = new Results(System.out);
        results.note("ha.failover_ms: a router, 3 failover controllers (heartbeat timeout %s, brokers heartbeat every " +
            "1 s) and 3 broker JVMs (SYNC replication, SYNC flush) on loopback gRPC, a producer JVM sending %d " +
            "msgs/s; SIGKILL of the master to the end of the first acknowledged send started after it", heartbeatTimeout,
            rate);
        final long[] measured = new long[runs];
        for (int run = 0; run < runs; run++)
        {
            final Path directory = Files.createTempDirectory(Files.createDirectories(dir), "failover-");
            final ReplicaSetFailover.Outcome outcome = new ReplicaSetFailover(directory, rate, heartbeatTimeout).run();
            final Path logs = logDir == null ? directory : copyLogs(directory, logDir.resolve("failover-" + (run + 1)));
            results.note("ha.failover_ms run %d: new master %s; %s; logs in %s", run + 1, outcome.newMaster(),
                outcome.detail(), logs);
            measured[run] = outcome.failoverMs();
        }
        java.util.Arrays.sort(measured);
        results.report("ha.failover_ms", measured[runs / 2], "ms");
        System.exit(0);
    }

    /** Copies the child JVMs' logs and the producer's timeline (the data directories stay). */
    private static Path copyLogs(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".log") ||
                f.toString().endsWith(".timeline")).toList())
            {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }
}

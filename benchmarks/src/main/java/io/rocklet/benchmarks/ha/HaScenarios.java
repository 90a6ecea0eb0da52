package io.rocklet.benchmarks.ha;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.benchmarks.scenario.Attempts;
import io.rocklet.benchmarks.scenario.BenchSession;
import io.rocklet.benchmarks.scenario.Bodies;
import io.rocklet.benchmarks.scenario.LoadSettings;
import io.rocklet.benchmarks.scenario.SendScenario;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.broker.replication.ReplicationMode;
import io.rocklet.broker.replication.ReplicationStatus;
import io.rocklet.store.internal.file.JvmFlags;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Replication's figures (issue 10), a replica set in one JVM over the local transport ({@link HaTarget}):
 * <ul>
 *   <li>{@code ha.send.128b.no_replication.t4} and {@code ha.send.128b.sync_replication.t4}: Producer.send from 4
 *   threads to a master alone, then to a master that acknowledges only once its slave has the bytes (SYNC,
 *   minInSyncReplicas 2), and their ratio {@code ha.sync_replication.ratio} (goal &gt;= 0.5);</li>
 *   <li>{@code ha.send.128b.no_replication.grpc.t4}, {@code ha.send.128b.sync_replication.grpc.t4} and
 *   {@code ha.sync_replication.grpc.ratio}: the same over gRPC on loopback ({@link GrpcHaTarget}: standalone servers
 *   in this JVM, the slave fetching through the gRPC transport), unless {@code --no-grpc};</li>
 *   <li>{@code ha.replication_lag_ms.p99} and {@code ha.replication_lag_bytes.p99} (and max): the master's view of its
 *   slave's lag, sampled every millisecond while a producer sends 128-byte messages at a steady rate (50,000/s by
 *   default) with ASYNC replication.</li>
 * </ul>
 * Options: those of {@link LoadSettings}, {@code --dir}, {@code --quick}, {@code --no-grpc}, {@code --lag-rate},
 * {@code --lag-seconds}.
 */
public final class HaScenarios
{
    private HaScenarios()
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
        final LoadSettings.Builder load = LoadSettings.builder();
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        int lagRate = 50_000;
        int lagSeconds = 10;
        boolean grpc = true;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick" ->
                {
                    load.quick();
                    lagSeconds = 2;
                }
                case "--dir" -> dir = Path.of(args[++i]);
                case "--no-grpc" -> grpc = false;
                case "--lag-rate" -> lagRate = Integer.parseInt(args[++i]);
                case "--lag-seconds" -> lagSeconds = Integer.parseInt(args[++i]);
                default ->
                {
                    if (i + 1 >= args.length || !load.option(args[i], args[++i]))
                    {
                        throw new IllegalArgumentException("unknown option: " + args[i] + ", known: --dir, " +
                            "--quick, --no-grpc, --lag-rate, --lag-seconds, " + LoadSettings.OPTIONS);
                    }
                }
            }
        }
        Files.createDirectories(dir);
        final Results results = new Results(System.out);
        final LoadSettings settings = load.build();
        results.note("ha scenarios: master and slave in ONE JVM over the local transport (no network; the two " +
            "brokers share the machine's cores), flush ASYNC, default 1 GiB segments, dir=%s", dir);
        final Attempts attempts = new Attempts(results);
        final Path base = dir;
        attempts.attempt("ha.send.128b.no_replication.t4", () -> new SendScenario(
            new HaTarget(base, ReplicationMode.ASYNC, false), settings, results)
            .sync(4, "ha.send.128b.no_replication.t4"));
        attempts.attempt("ha.send.128b.sync_replication.t4", () -> new SendScenario(
            new HaTarget(base, ReplicationMode.SYNC, true), settings, results)
            .sync(4, "ha.send.128b.sync_replication.t4"));
        final double without = results.value("ha.send.128b.no_replication.t4").orElse(Double.NaN);
        final double with = results.value("ha.send.128b.sync_replication.t4").orElse(Double.NaN);
        if (!Double.isNaN(without) && !Double.isNaN(with))
        {
            results.report("ha.sync_replication.ratio", with / without, "ratio");
        }
        final double cpuWithout = results.value("ha.send.128b.no_replication.t4.cpu_us_per_msg").orElse(Double.NaN);
        final double cpuWith = results.value("ha.send.128b.sync_replication.t4.cpu_us_per_msg").orElse(Double.NaN);
        if (!Double.isNaN(cpuWithout) && !Double.isNaN(cpuWith))
        {
            // what a replicated message costs the JVM (master, slave, client) over an unreplicated one: on a machine
            // whose cores the run fills, the throughput ratio cannot beat its inverse
            results.report("ha.sync_replication.cpu_ratio", cpuWith / cpuWithout, "ratio");
        }
        if (grpc)
        {
            attempts.attempt("ha.send.128b.no_replication.grpc.t4", () -> new SendScenario(
                new GrpcHaTarget(base, false), settings, results).sync(4, "ha.send.128b.no_replication.grpc.t4"));
            attempts.attempt("ha.send.128b.sync_replication.grpc.t4", () -> new SendScenario(
                new GrpcHaTarget(base, true), settings, results).sync(4, "ha.send.128b.sync_replication.grpc.t4"));
            final double grpcWithout = results.value("ha.send.128b.no_replication.grpc.t4").orElse(Double.NaN);
            final double grpcWith = results.value("ha.send.128b.sync_replication.grpc.t4").orElse(Double.NaN);
            if (!Double.isNaN(grpcWithout) && !Double.isNaN(grpcWith))
            {
                results.report("ha.sync_replication.grpc.ratio", grpcWith / grpcWithout, "ratio");
            }
        }
        final int rate = lagRate;
        final int seconds = lagSeconds;
        attempts.attempt("ha.replication_lag_ms.p99", () -> lag(new HaTarget(base, ReplicationMode.ASYNC, true), rate,
            seconds, results));
        System.exit(attempts.finish() ? 0 : 1);
    }

    /** Sends at {@code rate} for a second of warm-up and {@code seconds} measured, sampling the lag every ms. */
    private static void lag(final HaTarget target, final int rate, final int seconds, final Results results)
        throws InterruptedException
    {
        try (BenchSession session = target.open("ha.replication_lag"))
        {
            final Producer producer = session.newProducer("bench-lag");
            final byte[] body = Bodies.body(0, 0);
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong failed = new AtomicLong();
            final AtomicLong sent = new AtomicLong();
            final Semaphore outstanding = new Semaphore(10_000);
            final Thread sender = new Thread(() ->
            {
                final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
                long next = System.nanoTime();
                while (running.get())
                {
                    outstanding.acquireUninterruptibly();
                    producer.sendAsync(Message.of(session.topic(), body)).whenComplete((receipt, error) ->
                    {
                        if (error != null)
                        {
                            failed.incrementAndGet();
                        }
                        outstanding.release();
                    });
                    sent.incrementAndGet();
                    next += intervalNs;
                    final long wait = next - System.nanoTime();
                    if (wait > 0)
                    {
                        LockSupport.parkNanos(wait);
                    }
                }
            }, "bench-lag-sender");
            sender.start();
            Thread.sleep(1000);
            final int samples = seconds * 1000;
            final long[] lagMs = new long[samples];
            final long[] lagBytes = new long[samples];
            final long sentBefore = sent.get();
            final long start = System.nanoTime();
            for (int i = 0; i < samples; i++)
            {
                final ReplicationStatus status = target.master().replicationStatus();
                lagMs[i] = status.lagMs();
                lagBytes[i] = status.lagBytes();
                LockSupport.parkNanos(start + TimeUnit.MILLISECONDS.toNanos(i + 1) - System.nanoTime());
            }
            final double achieved = (sent.get() - sentBefore) * 1e9 / (System.nanoTime() - start);
            running.set(false);
            sender.join(30_000);
            Arrays.sort(lagMs);
            Arrays.sort(lagBytes);
            results.note("ha.replication_lag: target rate %d msgs/s, achieved %.0f msgs/s, %d samples (1 per ms), " +
                "failed sends %d; lag as the master sees it (Kafka's lastCaughtUpTime; bytes from the slave's " +
                "acknowledged offset to the log end); %s", rate, achieved, samples, failed.get(), session.describe());
            results.note("ha.replication_lag: p50 %d ms / %d bytes, p90 %d ms / %d bytes", lagMs[samples / 2],
                lagBytes[samples / 2], lagMs[(int)(samples * 0.9)], lagBytes[(int)(samples * 0.9)]);
            results.report("ha.replication_lag_ms.p99", lagMs[(int)(samples * 0.99)], "ms");
            results.report("ha.replication_lag_ms.max", lagMs[samples - 1], "ms");
            results.report("ha.replication_lag_bytes.p99", lagBytes[(int)(samples * 0.99)], "bytes");
            results.report("ha.replication_lag_bytes.max", lagBytes[samples - 1], "bytes");
        }
    }
}

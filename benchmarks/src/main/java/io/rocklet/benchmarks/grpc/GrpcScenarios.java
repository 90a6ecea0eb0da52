package io.rocklet.benchmarks.grpc;

import io.rocklet.api.auth.Credentials;
import io.rocklet.auth.AclFile;
import io.rocklet.benchmarks.local.LocalTarget;
import io.rocklet.benchmarks.scenario.Attempts;
import io.rocklet.benchmarks.scenario.CatchUpScenario;
import io.rocklet.benchmarks.scenario.EndToEndScenario;
import io.rocklet.benchmarks.scenario.LoadSettings;
import io.rocklet.benchmarks.scenario.SendScenario;
import io.rocklet.benchmarks.store.BenchDirectory;
import io.rocklet.benchmarks.store.Results;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The gRPC figures, one {@code RESULT <name> <value> <unit>} line each: a broker server JVM (router and broker,
 * {@link BenchServer}) started as a child process, and this JVM as the only client, on loopback. Groups: {@code send}
 * (sync from 1 and 4 threads, the 4-thread figure again with access control on and its ratio to the plain one,
 * async with a bounded window, batches), {@code e2e} (latency at a fixed rate, producer
 * to push-consumer listener) and {@code catchup} (a push consumer reading a backlog): the same scenario classes as
 * the {@code local} suite, over {@link GrpcTarget}. Run by {@code benchmarks/run.sh grpc}; see {@link GrpcSettings}
 * for the options and benchmarks/README.md for what each figure means.
 */
public final class GrpcScenarios
{
    private static final int WARMUP_BACKLOG_PER_SECOND = 5_000;
    /** The client of the figures with access control. */
    private static final Credentials BENCH_USER = new Credentials("bench", UUID.randomUUID().toString());

    private final GrpcSettings settings;
    private final Results results;

    GrpcScenarios(final GrpcSettings settings, final Results results)
    {
        this.settings = settings;
        this.results = results;
    }

    public static void main(final String[] args) throws IOException, InterruptedException
    {
        final GrpcScenarios scenarios = new GrpcScenarios(GrpcSettings.parse(args), new Results(System.out));
        System.exit(scenarios.runAll() ? 0 : 1);
    }

    /**
     * Starts the server JVM, runs the selected groups against it (a failing figure is reported and the others
     * still run), stops the server and deletes its data.
     *
     * @return true when every figure was measured.
     * @throws IllegalStateException when the server JVM does not start.
     */
    boolean runAll() throws IOException, InterruptedException
    {
        final Path data = new BenchDirectory(settings.baseDirectory()).fresh("grpc-broker");
        final Path rules = settings.runs("send") ? writeRules(data) : null;
        try (ServerProcess server = ServerProcess.start(settings.serverJvm(), data, settings.flush(),
            settings.serverLog(), rules))
        {
            results.note("grpc scenarios: groups=%s quick=%s; server JVM pid %d (%s), router %s, broker %s, data %s, " +
                    "log %s", settings.groups(), settings.quick(), server.pid(), String.join(" ", settings.serverJvm()),
                server.routerAddress(), server.brokerAddress(), data, server.log());
            results.note("flush mode: %s for every figure (the broker's store: StoreConfig defaults otherwise); " +
                "plaintext gRPC on 127.0.0.1", settings.flush().toUpperCase(Locale.ROOT));
            final Attempts attempts = new Attempts(results);
            attempts.attempt("grpc.warmup", () -> warmUp(server));
            run(server, new GrpcTarget(server, settings.flush(), "bench", results), attempts);
            return attempts.finish();
        }
        finally
        {
            BenchDirectory.delete(data);
            if (rules != null)
            {
                Files.deleteIfExists(rules);
            }
        }
    }

    /**
     * Runs the send and catch-up paths for {@link GrpcSettings#warmupSeconds()} (on topics of their own, figures
     * discarded), so that both JVMs have compiled the gRPC, protobuf and client code before the first figure: the
     * first figures would otherwise run partly interpreted.
     */
    private void warmUp(final ServerProcess server) throws InterruptedException
    {
        final int seconds = settings.warmupSeconds();
        if (seconds == 0)
        {
            return;
        }
        final long start = System.nanoTime();
        final LoadSettings load = settings.load();
        final LoadSettings warm = new LoadSettings(seconds * 1000L / 3, 1, load.asyncOutstanding(), load.batchSize(),
            load.batchThreads(), load.e2eRate(), 0, 1, load.e2ePacing(), load.e2eSend(),
            WARMUP_BACKLOG_PER_SECOND * seconds);
        final Results discarded = new Results(new PrintStream(OutputStream.nullOutputStream()));
        final GrpcTarget target = new GrpcTarget(server, settings.flush(), "warmup", discarded);
        final SendScenario send = new SendScenario(target, warm, discarded);
        send.sync(4);
        send.async();
        new CatchUpScenario(target, warm, discarded).run();
        results.note("JIT warm-up: sync sends from 4 threads and async sends for %d s each, then a catch-up of %d " +
            "messages, on topics warmup-*: %.1f s (figures discarded)", seconds / 3, warm.catchUpMessages(),
            (System.nanoTime() - start) / 1e9);
    }

    /**
     * {@code grpc.send.128b.sync.t4.auth}: the t4 figure against the server JVM's router and broker pair that
     * enforces access control (every call signed by the client, its signature, timestamp and nonce checked, the
     * operation checked against a policy), and {@code grpc.auth.ratio}: that figure over the plain t4 figure. Both
     * are measured here side by side on the same server JVM, interleaved A B B A (A B with {@code --quick}), so that
     * a load that drifts during the run weighs on both alike; the figures are the means of their runs.
     */
    private void sendWithAuth(final ServerProcess server) throws InterruptedException
    {
        final Results quiet = new Results(new PrintStream(OutputStream.nullOutputStream()));
        final GrpcTarget plain = new GrpcTarget(server, settings.flush(), "bench-plain", quiet);
        final GrpcTarget auth = new GrpcTarget(server, settings.flush(), "bench-auth", quiet, BENCH_USER);
        measureT4(auth, ".auth"); // warm-up of the signing and checking code, figure discarded
        final boolean[] order = settings.quick() ? new boolean[] {false, true} :
            new boolean[] {false, true, true, false};
        double plainSum = 0;
        double authSum = 0;
        final StringBuilder runs = new StringBuilder();
        for (final boolean withAuth : order)
        {
            final double figure = measureT4(withAuth ? auth : plain, withAuth ? ".auth" : "");
            plainSum += withAuth ? 0 : figure;
            authSum += withAuth ? figure : 0;
            runs.append(withAuth ? " auth=" : " plain=").append(Results.format(figure));
        }
        results.report("grpc.send.128b.sync.t4.auth", authSum * 2 / order.length, "msgs/s");
        results.report("grpc.auth.ratio", authSum / plainSum, "ratio");
        results.note("grpc.auth.ratio: t4 with access control / t4 without (goal >= 0.9), runs in order:%s msgs/s; " +
            "user %s is a client whose policy allows Pub,Sub,Create,Get,List", runs, BENCH_USER.accessKey());
    }

    private double measureT4(final GrpcTarget target, final String suffix) throws InterruptedException
    {
        final Results figure = new Results(new PrintStream(OutputStream.nullOutputStream()));
        new SendScenario(target, settings.load(), figure).sync(4, target.name() + ".send.128b.sync.t4" + suffix);
        return figure.value("grpc.send.128b.sync.t4" + suffix).orElse(Double.NaN);
    }

    /**
     * Writes the rules of the pair with access control: the benchmark's client user and the broker's member user.
     */
    private static Path writeRules(final Path data)
    {
        final Path rules = data.resolveSibling(data.getFileName() + "-rules.acl");
        AclFile.write(rules, AclFile.parse(List.of(
            "user " + BENCH_USER.accessKey() + " kind=client secret=" + BENCH_USER.secret(),
            "user " + BenchServer.AUTH_BROKER + " kind=member secret=" + UUID.randomUUID(),
            "allow " + BENCH_USER.accessKey() + " Pub,Sub,Create,Get,List topic:*,group:*,cluster"), rules.toString()));
        return rules;
    }

    private void run(final ServerProcess server, final GrpcTarget target, final Attempts attempts)
    {
        final SendScenario send = new SendScenario(target, settings.load(), results);
        final double[] roundTripNs = {Double.NaN};
        attempts.attempt("grpc.pingpong", () -> roundTripNs[0] = pingPong());
        if (settings.runs("send"))
        {
            attempts.attempt("grpc.send.128b.sync.t1", () -> send.sync(1));
            ratio("grpc.send.sync.t1_vs_pingpong", results.value("grpc.send.128b.sync.t1").orElse(Double.NaN),
                results.value("grpc.pingpong.128b.per_s").orElse(Double.NaN), "grpc.send.128b.sync.t1 / " +
                "grpc.pingpong.128b.per_s (goal >= 0.5: at most two round trips of wire time per send)");
            attempts.attempt("grpc.send.128b.sync.t4", () -> send.sync(4));
            attempts.attempt("grpc.send.128b.sync.t4.auth", () -> sendWithAuth(server));
            attempts.attempt("grpc.send.128b.async", send::async);
            attempts.attempt("grpc.send.128b.batch", send::batch);
        }
        if (settings.runs("e2e"))
        {
            final EndToEndScenario e2e = new EndToEndScenario(target, settings.load(), results);
            attempts.attempt(e2e.name(), e2e::run);
            ratio("grpc.e2e.128b.p99_vs_rtt", results.value(e2e.name() + ".p99").orElse(Double.NaN) * 1e3,
                roundTripNs[0], "grpc.e2e.128b.p99 (from the first second of sending; BUSY errors: " +
                Results.format(results.value(e2e.name() + ".busy_errors").orElse(Double.NaN)) + ") / " +
                "grpc.pingpong.128b.rtt_us (goal <= 10 with zero BUSY errors)");
        }
        if (settings.runs("catchup"))
        {
            final CatchUpScenario catchUp = new CatchUpScenario(target, settings.load(), results);
            attempts.attempt(catchUp.name(), catchUp::run);
            attempts.attempt("grpc.consume.catchup.local", this::localCatchUp);
            ratio("grpc.consume.catchup_vs_local", results.value(catchUp.name()).orElse(Double.NaN),
                results.value("grpc.consume.catchup.local").orElse(Double.NaN), "grpc.consume.catchup / " +
                "grpc.consume.catchup.local (goal >= 0.5)");
        }
    }

    /**
     * {@code grpc.pingpong.128b.rtt_us} and {@code .per_s}: the wire reference ({@link PingPong}).
     *
     * @return the mean round trip, ns.
     */
    private double pingPong() throws java.io.IOException, InterruptedException
    {
        final PingPong.Figures figures = PingPong.measure(settings.quick() ? 200 : 500, settings.quick() ? 1000 : 2000);
        results.report("grpc.pingpong.128b.rtt_us", figures.roundTripNs() / 1e3, "us");
        results.report("grpc.pingpong.128b.per_s", figures.perSecond(), "round trips/s");
        results.note("grpc.pingpong: raw loopback TCP ping-pong of %d B (blocking sockets, TCP_NODELAY, one client " +
            "thread, the echo on a second thread of this JVM): %d round trips", PingPong.MESSAGE_BYTES,
            figures.roundTrips());
        return figures.roundTripNs();
    }

    /**
     * {@code grpc.consume.catchup.local}: the same catch-up in this JVM over the local transport (an embedded broker,
     * {@link LocalTarget}), right after the gRPC one: the reference of {@code grpc.consume.catchup_vs_local}.
     */
    private void localCatchUp() throws InterruptedException
    {
        final Results local = new Results(new PrintStream(OutputStream.nullOutputStream()));
        new CatchUpScenario(new LocalTarget(), settings.load(), local).run();
        results.report("grpc.consume.catchup.local", local.value("local.consume.catchup").orElse(Double.NaN),
            "msgs/s");
        results.note("grpc.consume.catchup.local: the same backlog and consumer in this JVM over the local transport " +
            "(embedded broker, ASYNC flush), first message after %.1f ms",
            local.value("local.consume.catchup.first_message_ms").orElse(Double.NaN));
    }

    private void ratio(final String name, final double value, final double reference, final String meaning)
    {
        if (Double.isNaN(value) || Double.isNaN(reference) || reference == 0)
        {
            return; // an input failed, and was reported
        }
        results.report(name, value / reference, "ratio");
        results.note("%s = %s / %s: %s", name, Results.format(value), Results.format(reference), meaning);
    }
}

package io.rocklet.benchmarks.grpc;

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
import java.nio.file.Path;
import java.util.Locale;

/**
 * The gRPC figures, one {@code RESULT <name> <value> <unit>} line each: a broker server JVM (router and broker,
 * {@link BenchServer}) started as a child process, and this JVM as the only client, on loopback. Groups: {@code send}
 * (sync from 1 and 4 threads, async with a bounded window, batches), {@code e2e} (latency at a fixed rate, producer
 * to push-consumer listener) and {@code catchup} (a push consumer reading a backlog): the same scenario classes as
 * the {@code local} suite, over {@link GrpcTarget}. Run by {@code benchmarks/run.sh grpc}; see {@link GrpcSettings}
 * for the options and benchmarks/README.md for what each figure means.
 */
public final class GrpcScenarios
{
    private static final int WARMUP_BACKLOG_PER_SECOND = 5_000;

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
        try (ServerProcess server = ServerProcess.start(settings.serverJvm(), data, settings.flush(),
            settings.serverLog()))
        {
            results.note("grpc scenarios: groups=%s quick=%s; server JVM pid %d (%s), router %s, broker %s, data %s, " +
                    "log %s", settings.groups(), settings.quick(), server.pid(), String.join(" ", settings.serverJvm()),
                server.routerAddress(), server.brokerAddress(), data, server.log());
            results.note("flush mode: %s for every figure (the broker's store: StoreConfig defaults otherwise); " +
                "plaintext gRPC on 127.0.0.1", settings.flush().toUpperCase(Locale.ROOT));
            final Attempts attempts = new Attempts(results);
            attempts.attempt("grpc.warmup", () -> warmUp(server));
            run(new GrpcTarget(server, settings.flush(), "bench", results), attempts);
            return attempts.finish();
        }
        finally
        {
            BenchDirectory.delete(data);
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

    private void run(final GrpcTarget target, final Attempts attempts)
    {
        final SendScenario send = new SendScenario(target, settings.load(), results);
        if (settings.runs("send"))
        {
            attempts.attempt("grpc.send.128b.sync.t1", () -> send.sync(1));
            attempts.attempt("grpc.send.128b.sync.t4", () -> send.sync(4));
            attempts.attempt("grpc.send.128b.async", send::async);
            attempts.attempt("grpc.send.128b.batch", send::batch);
        }
        if (settings.runs("e2e"))
        {
            final EndToEndScenario e2e = new EndToEndScenario(target, settings.load(), results);
            attempts.attempt(e2e.name(), e2e::run);
        }
        if (settings.runs("catchup"))
        {
            final CatchUpScenario catchUp = new CatchUpScenario(target, settings.load(), results);
            attempts.attempt(catchUp.name(), catchUp::run);
        }
    }
}

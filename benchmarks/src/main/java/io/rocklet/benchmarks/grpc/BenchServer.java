package io.rocklet.benchmarks.grpc;

import io.rocklet.server.RockletServer;
import io.rocklet.server.ServerOptions;
import io.rocklet.store.internal.file.JvmFlags;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server JVM of the {@code grpc} suite, started by {@link ServerProcess}: a standalone router and a standalone
 * broker ({@link RockletServer}, as {@code rocklet-server router|broker} runs them: plaintext, on 127.0.0.1, free
 * ports, the broker's store with the default settings and the flush mode given) in one JVM. Prints
 * {@code READY router <address>} and {@code READY broker <address>}, then runs until its standard input ends (the
 * benchmark closed it, or the benchmark JVM died) or it gets SIGTERM; then closes the broker (flush, checkpoint)
 * and the router, and exits.
 *
 * <pre>
 * java $CHRONICLE_FLAGS -cp rocklet-benchmarks.jar io.rocklet.benchmarks.grpc.BenchServer --data DIR --flush async
 * </pre>
 */
public final class BenchServer
{
    private BenchServer()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 4 || !args[0].equals("--data") || !args[2].equals("--flush"))
        {
            System.err.println("usage: BenchServer --data DIR --flush async|sync");
            System.exit(2);
        }
        final List<String> missing = JvmFlags.missing();
        if (!missing.isEmpty())
        {
            System.err.println("the broker's store needs the Chronicle JVM flags, missing: " +
                String.join(" ", missing) + "; start java with: " + JvmFlags.ALL_FLAGS);
            System.exit(2);
        }
        final RockletServer router = RockletServer.start(ServerOptions.parse("router", "--host", "127.0.0.1",
            "--port", "0", "--plaintext", "--no-auth"));
        final RockletServer broker;
        try
        {
            broker = RockletServer.start(ServerOptions.parse("broker", "--name", "bench-broker", "--id", "0",
                "--routers", router.address().substring("grpc://".length()), "--data", args[1], "--flush", args[3],
                "--host", "127.0.0.1", "--port", "0", "--plaintext", "--no-auth"));
        }
        catch (final RuntimeException e)
        {
            router.close();
            throw e;
        }
        final AtomicBoolean stopped = new AtomicBoolean();
        final Runnable stop = () ->
        {
            if (stopped.compareAndSet(false, true))
            {
                broker.close();
                router.close();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "bench-server-shutdown"));
        System.out.println("READY router " + router.address());
        System.out.println("READY broker " + broker.address());
        System.out.flush();
        drain(System.in);
        stop.run();
        System.exit(0);
    }

    /** Reads until end of input: returns when the parent closes the pipe or dies. */
    private static void drain(final InputStream in) throws IOException
    {
        final byte[] buffer = new byte[256];
        int read = 0;
        while (read >= 0)
        {
            read = in.read(buffer); // anything written is ignored; only the end matters
        }
    }
}

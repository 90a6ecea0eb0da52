package io.rocklet.benchmarks.grpc;

import io.rocklet.server.RockletServer;
import io.rocklet.server.ServerOptions;
import io.rocklet.store.internal.file.JvmFlags;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server JVM of the {@code grpc} suite, started by {@link ServerProcess}: a standalone router and a standalone
 * broker ({@link RockletServer}, as {@code rocklet-server router|broker} runs them: plaintext, on 127.0.0.1, free
 * ports, the broker's store with the default settings and the flush mode given) in one JVM. Prints
 * {@code READY router <address>} and {@code READY broker <address>}; with {@code --auth FILE}, a second router and
 * broker that enforce the rules in FILE ({@code --auth}; the broker registers as member {@value #AUTH_BROKER}), ready
 * as {@code READY auth-router <address>} and {@code READY auth-broker <address>}, so that the same JVM serves both
 * variants of a figure. Then runs until its standard input ends (the
 * benchmark closed it, or the benchmark JVM died) or it gets SIGTERM; then closes the broker (flush, checkpoint)
 * and the router, and exits.
 *
 * <pre>
 * java $CHRONICLE_FLAGS -cp rocklet-benchmarks.jar io.rocklet.benchmarks.grpc.BenchServer --data DIR --flush async
 *      [--auth rules.acl]
 * </pre>
 */
public final class BenchServer
{
    /** The broker name (and member user) of the pair with access control. */
    static final String AUTH_BROKER = "bench-auth-broker";

    private BenchServer()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if ((args.length != 4 && args.length != 6) || !args[0].equals("--data") || !args[2].equals("--flush") ||
            (args.length == 6 && !args[4].equals("--auth")))
        {
            System.err.println("usage: BenchServer --data DIR --flush async|sync [--auth rules.acl]");
            System.exit(2);
        }
        final List<String> missing = JvmFlags.missing();
        if (!missing.isEmpty())
        {
            System.err.println("the broker's store needs the Chronicle JVM flags, missing: " +
                String.join(" ", missing) + "; start java with: " + JvmFlags.ALL_FLAGS);
            System.exit(2);
        }
        final List<RockletServer> servers = new ArrayList<>();
        try
        {
            start(servers, "bench-broker", Path.of(args[1]), args[3], "--no-auth");
            if (args.length == 6)
            {
                start(servers, AUTH_BROKER, Path.of(args[1]).resolve("auth"), args[3], "--auth", args[5]);
            }
        }
        catch (final RuntimeException e)
        {
            closeAll(servers);
            throw e;
        }
        final AtomicBoolean stopped = new AtomicBoolean();
        final Runnable stop = () ->
        {
            if (stopped.compareAndSet(false, true))
            {
                closeAll(servers);
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "bench-server-shutdown"));
        System.out.println("READY router " + servers.get(0).address());
        System.out.println("READY broker " + servers.get(1).address());
        if (servers.size() == 4)
        {
            System.out.println("READY auth-router " + servers.get(2).address());
            System.out.println("READY auth-broker " + servers.get(3).address());
        }
        System.out.flush();
        drain(System.in);
        stop.run();
        System.exit(0);
    }

    /** Starts a router and a broker registered with it; adds both to {@code servers}. */
    private static void start(final List<RockletServer> servers, final String brokerName, final Path data,
        final String flush, final String... auth)
    {
        final List<String> router = new ArrayList<>(List.of("router", "--host", "127.0.0.1", "--port", "0",
            "--plaintext"));
        router.addAll(List.of(auth));
        final RockletServer started = RockletServer.start(ServerOptions.parse(router.toArray(String[]::new)));
        servers.add(started);
        final List<String> broker = new ArrayList<>(List.of("broker", "--name", brokerName, "--id", "0", "--routers",
            started.address().substring("grpc://".length()), "--data", data.toString(), "--flush", flush, "--host",
            "127.0.0.1", "--port", "0", "--plaintext"));
        broker.addAll(List.of(auth));
        servers.add(RockletServer.start(ServerOptions.parse(broker.toArray(String[]::new))));
    }

    /** Closes brokers before their routers. */
    private static void closeAll(final List<RockletServer> servers)
    {
        for (int i = servers.size() - 1; i >= 0; i--)
        {
            servers.get(i).close();
        }
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

package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.store.internal.file.JvmFlags;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone server's entry point: {@code java -jar rocklet-server.jar router|broker [options]} (see
 * {@link ServerOptions#USAGE}). Prints {@code READY <role> <address>} on standard output once serving, runs until
 * SIGTERM or SIGINT, then shuts down gracefully (the broker flushes and writes its checkpoint) and exits 0. Bad
 * options print the problem and the usage and exit 2; a failure to start prints it and exits 1.
 */
public final class ServerMain
{
    private ServerMain()
    {
    }

    public static void main(final String[] args)
    {
        final int status = run(args, System.out, System.err);
        if (status != 0)
        {
            System.exit(status);
        }
    }

    /**
     * Runs the server until the JVM is asked to stop.
     *
     * @return the exit status: 0 after a graceful stop, 1 when it could not start, 2 for bad options.
     */
    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0]))
        {
            out.println(ServerOptions.USAGE);
            return args.length == 0 ? 2 : 0;
        }
        final ServerSettings settings;
        try
        {
            settings = ServerOptions.parse(args);
        }
        catch (final InvalidArgumentException | java.io.UncheckedIOException e)
        {
            err.println("rocklet-server: " + e.getMessage());
            err.println(ServerOptions.USAGE);
            return 2;
        }
        final List<String> missing = JvmFlags.missing();
        if (settings.role() == ServerSettings.Role.BROKER && !missing.isEmpty())
        {
            err.println("rocklet-server: the broker's store needs these JVM flags (java -jar adds them from the " +
                "manifest): missing " + String.join(" ", missing) + "; start java with: " + JvmFlags.ALL_FLAGS);
            return 1;
        }
        final RockletServer server;
        try
        {
            server = RockletServer.start(settings);
        }
        catch (final RockletException e)
        {
            err.println("rocklet-server: cannot start the " + settings.roleName() + ": " +
                e.getMessage());
            return 1;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            stopped.countDown();
        }, "rocklet-server-shutdown"));
        out.println("READY " + settings.roleName() + " " + server.address());
        out.flush();
        awaitUninterruptibly(stopped);
        return 0;
    }

    private static void awaitUninterruptibly(final CountDownLatch latch)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                latch.await();
                break;
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}

package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.server.admin.AdminCli;
import io.rocklet.store.internal.file.JvmFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone server's entry point: {@code java -jar rocklet-server.jar router|broker [options]} (see
 * {@link ServerOptions#usage()}), or the operator's command line {@code admin ...} ({@link AdminCli}). Prints {@code READY <role> <address>} on standard output once serving (logs go to
 * standard error), runs until SIGTERM or SIGINT, then shuts down gracefully (the broker unregisters from its routers,
 * flushes and writes its checkpoint) and exits 0. Bad options print the problem and the usage and exit 2; a failure
 * to start prints it and exits 1. Any other way the JVM stops (SIGHUP, {@code System.exit}) closes the server too,
 * from a shutdown hook.
 */
public final class ServerMain
{
    private ServerMain()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            LogSetup.configure(args); // before anything logs
        }
        catch (final InvalidArgumentException e)
        {
            System.err.println("rocklet-server: " + e.getMessage());
            System.exit(2);
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Created when first used, after {@link LogSetup} chose the configuration. */
    private static Logger log()
    {
        return LoggerFactory.getLogger(ServerMain.class);
    }

    /**
     * Runs the server until the JVM is asked to stop.
     *
     * @return the exit status: 0 after a graceful stop, 1 when it could not start, 2 for bad options.
     */
    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length > 0 && args[0].equals("admin"))
        {
            return AdminCli.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args.length == 0 || args[0].equals("help") || List.of(args).contains("--help") ||
            List.of(args).contains("-h"))
        {
            out.println(ServerOptions.usage());
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
            err.println(ServerOptions.usage());
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
        final CountDownLatch stopRequested = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        final boolean signalsHandled = StopSignals.install(signal ->
        {
            log().info("stopping: signal=SIG{}, role={}, address={}", signal, settings.roleName(), server.address());
            stopRequested.countDown();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            stopRequested.countDown();      // the JVM stops for another reason: close here, before it halts
            awaitUninterruptibly(stopped);
        }, "rocklet-server-shutdown"));
        if (!signalsHandled)
        {
            log().warn("SIGTERM and SIGINT left to the JVM: the server closes from a shutdown hook and the JVM exits " +
                "with status 128 + the signal number");
        }
        out.println("READY " + settings.roleName() + " " + server.address());
        out.flush();
        awaitUninterruptibly(stopRequested);
        try
        {
            server.close();
        }
        finally
        {
            stopped.countDown();
        }
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

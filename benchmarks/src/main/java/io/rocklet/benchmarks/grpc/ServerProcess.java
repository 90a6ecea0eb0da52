package io.rocklet.benchmarks.grpc;

import io.rocklet.store.internal.file.JvmFlags;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code grpc} suite's server JVM ({@link BenchServer}: a router and a broker) as a child process of the
 * benchmark: started with the Chronicle flags and the given heap options on this JVM's class path (the benchmarks
 * jar, or the test class path), its output (stdout and stderr) in a log file, ready once it printed both
 * {@code READY} lines. {@link #close()} closes its standard input, on which it shuts down gracefully, and kills it
 * if it has not exited in 20 s; a shutdown hook does the same if this JVM exits first, and if this JVM is killed
 * the child's standard input ends and it exits by itself. Not thread-safe.
 */
final class ServerProcess implements AutoCloseable
{
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180); // loaded machine: start took > 60 s
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;
    private final String routerAddress;
    private final String brokerAddress;
    private final String authRouterAddress;
    private final String authBrokerAddress;
    private final Thread killer;

    private ServerProcess(final Process process, final Path log, final String routerAddress,
        final String brokerAddress, final String authRouterAddress, final String authBrokerAddress,
        final Thread killer)
    {
        this.authRouterAddress = authRouterAddress;
        this.authBrokerAddress = authBrokerAddress;
        this.process = process;
        this.log = log;
        this.routerAddress = routerAddress;
        this.brokerAddress = brokerAddress;
        this.killer = killer;
    }

    /**
     * Starts the server JVM and waits until it serves.
     *
     * @param jvmOptions heap and GC options (the Chronicle flags are added).
     * @param data       the broker's data directory.
     * @param flush      {@code async} or {@code sync}.
     * @param log        where its output goes (replaced).
     * @param authRules  a rules file: the server also runs a router and broker pair that enforces it; or null.
     * @throws IllegalStateException when it exits or is not ready within 180 s (the log's last lines in the message).
     */
    static ServerProcess start(final List<String> jvmOptions, final Path data, final String flush, final Path log,
        final Path authRules) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JvmFlags.ALL_FLAGS.split(" ")));
        command.add("-Dchronicle.analytics.disable=true");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchServer.class.getName(), "--data",
            data.toString(), "--flush", flush));
        if (authRules != null)
        {
            command.addAll(List.of("--auth", authRules.toString()));
        }
        Files.deleteIfExists(log);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        final Thread killer = new Thread(process::destroyForcibly, "bench-server-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        try
        {
            final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            String router = null;
            String broker = null;
            String authBroker = null;
            while (broker == null || router == null || (authRules != null && authBroker == null))
            {
                if (!process.isAlive() || System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("the server JVM did not start: alive=" + process.isAlive() +
                        ", log=" + log + ", last lines:\n" + tail(log, 20));
                }
                Thread.sleep(20);
                router = ready(log, "router");
                broker = ready(log, "broker");
                authBroker = authRules == null ? null : ready(log, "auth-broker");
            }
            return new ServerProcess(process, log, router, broker, authRules == null ? null :
                ready(log, "auth-router"), authBroker, killer);
        }
        catch (final IOException | InterruptedException | RuntimeException e)
        {
            stop(process);
            Runtime.getRuntime().removeShutdownHook(killer);
            throw e;
        }
    }

    String routerAddress()
    {
        return routerAddress;
    }

    String brokerAddress()
    {
        return brokerAddress;
    }

    /**
     * @return the router of the pair with access control, or null when the server has none.
     */
    String authRouterAddress()
    {
        return authRouterAddress;
    }

    String authBrokerAddress()
    {
        return authBrokerAddress;
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * @return CPU time the server JVM used so far (all its threads), in nanoseconds; -1 when not known.
     */
    long cpuNs()
    {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    Path log()
    {
        return log;
    }

    /**
     * Stops the server (gracefully, then by force). Idempotent.
     */
    @Override
    public void close()
    {
        stop(process);
        try
        {
            Runtime.getRuntime().removeShutdownHook(killer);
        }
        catch (final IllegalStateException e)
        {
            // the JVM is shutting down: the hook runs anyway, and the process is gone already
        }
    }

    private static void stop(final Process process)
    {
        try
        {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        catch (final IOException e)
        {
            process.destroyForcibly();
        }
        catch (final InterruptedException e)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return the address in the log's {@code READY <role> <address>} line, or null when there is none yet.
     */
    private static String ready(final Path log, final String role) throws IOException
    {
        final String prefix = "READY " + role + " ";
        for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8))
        {
            if (line.startsWith(prefix))
            {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    private static String tail(final Path log, final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the server log: log=" + log, e);
        }
    }
}

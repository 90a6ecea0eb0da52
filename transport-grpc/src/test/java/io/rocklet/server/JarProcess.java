package io.rocklet.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * An executable jar run in a child JVM as an operator runs it, {@code java -jar <jar> args...}: standard output is
 * read line by line (for the {@code READY} line), standard error (the log) goes to a file. {@link #close()} kills
 * the JVM if it still runs. Not a test; shared with other modules' tests through this module's test jar.
 */
public final class JarProcess implements AutoCloseable
{
    /** Where failsafe puts the server jar (the property), or where the build leaves it (the module directory). */
    public static final Path SERVER_JAR = Path.of(System.getProperty("rocklet.server.jar", "target/rocklet-server.jar"));

    private static final String END_OF_OUTPUT = "\u0000end of output";

    private final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Every line of standard output, for failure messages. */
    private final List<String> transcript = Collections.synchronizedList(new ArrayList<>());

    private JarProcess(final String name, final Process process, final Path log)
    {
        this.name = name;
        this.process = process;
        this.log = log;
        final Thread reader = new Thread(this::readOutput, "jar-process-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java -jar jar args...} with a small heap; the child's standard error goes to {@code log}.
     */
    public static JarProcess start(final String name, final Path jar, final Path log, final String... args)
    {
        if (!Files.isRegularFile(jar))
        {
            fail("no jar at " + jar.toAbsolutePath() + ": build it first (mvn package)");
        }
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dchronicle.analytics.disable=true",
            "-jar", jar.toString()));
        command.addAll(List.of(args));
        try
        {
            return new JarProcess(name, new ProcessBuilder(command).redirectError(log.toFile()).start(), log);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Runs the jar to its end.
     *
     * @return its exit status and everything it printed (standard output, then standard error).
     */
    public static Finished run(final Path jar, final Path log, final Duration timeout, final String... args)
        throws InterruptedException
    {
        try (JarProcess process = start("run", jar, log, args))
        {
            final int status = process.awaitExit(timeout);
            return new Finished(status, String.join("\n", process.outputToEnd()) + "\n" + process.log());
        }
    }

    /**
     * @return the address of the {@code READY <role> <address>} line.
     */
    public String awaitReady(final Duration timeout) throws InterruptedException
    {
        return awaitLine("READY ", timeout).split(" ")[2];
    }

    /**
     * @return the first line of standard output starting with {@code prefix} (lines before it are skipped).
     */
    public String awaitLine(final String prefix, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END_OF_OUTPUT))
            {
                lines.add(END_OF_OUTPUT);
                fail(name + ": no line '" + prefix + "...' " + (line == null ? "within " + timeout :
                    "before its output ended") + "; output:\n" + String.join("\n", transcript) + "\nlog:\n" + log());
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    /**
     * Sends SIGTERM and waits for the JVM to exit; what it prints while it stops is still read
     * ({@link Process#destroy()} would close the pipes at once).
     *
     * @return its exit status.
     */
    public int terminate(final Duration timeout) throws InterruptedException
    {
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    public int awaitExit(final Duration timeout) throws InterruptedException
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            fail(name + ": still running " + timeout + " after it was asked to stop; log:\n" + log());
        }
        return process.exitValue();
    }

    /**
     * @return what the process wrote to standard error so far.
     */
    public String log()
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public Optional<String> logLine(final String containing)
    {
        return log().lines().filter(line -> line.contains(containing)).findFirst();
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private List<String> outputToEnd() throws InterruptedException
    {
        final List<String> output = new ArrayList<>();
        String line;
        while ((line = lines.poll(10, TimeUnit.SECONDS)) != null && !line.equals(END_OF_OUTPUT))
        {
            output.add(line);
        }
        return output;
    }

    private void readOutput()
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
                transcript.add(line);
            }
        }
        catch (final IOException e)
        {
            lines.add("(output unreadable: " + e + ")");
        }
        finally
        {
            lines.add(END_OF_OUTPUT);
        }
    }

    /**
     * A jar that ran to its end.
     *
     * @param status its exit status.
     * @param output what it printed, standard output first.
     */
    public record Finished(int status, String output)
    {
    }
}

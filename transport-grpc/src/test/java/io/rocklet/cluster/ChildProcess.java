package io.rocklet.cluster;

import io.rocklet.store.internal.file.JvmFlags;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM on this JVM's class path, with the Chronicle flags and a small heap, as the multi-JVM tests start
 * routers, brokers and clients. Standard output is read line by line (each line kept, so that tests wait for
 * {@code READY}, {@code PROGRESS} or {@code DONE} lines instead of sleeping) and written, with standard error, to
 * a log file whose tail goes into every failure message. Processes still alive when this JVM exits are killed.
 * Thread-safe.
 */
final class ChildProcess implements AutoCloseable
{
    /** Small heaps and a quick JIT: the build machine has 2 cores shared with other builds. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-Xss512k", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Dchronicle.analytics.disable=true");
    // log lines carry the time of day: logback-test.xml on the test class path
    private static final int TAIL_LINES = 40;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
            "child-jvm-reaper"));
    }

    private final String name;
    private final Path log;
    private final Process process;
    private final Writer logWriter;
    private final List<String> lines = new ArrayList<>();
    private boolean outputEnded;

    private ChildProcess(final String name, final Path log, final Process process, final Writer logWriter)
    {
        this.name = name;
        this.log = log;
        this.process = process;
        this.logWriter = logWriter;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM.
     *
     * @param log the file standard output and standard error go to (appended to: a restart keeps one log).
     */
    static ChildProcess start(final String name, final Path log, final Class<?> mainClass, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JvmFlags.ALL_FLAGS.split(" ")));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        try
        {
            Files.createDirectories(log.getParent());
            final Writer writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
            writer.write("---- " + name + ": " + String.join(" ", args) + System.lineSeparator());
            writer.flush();
            final Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
            LIVE.add(process);
            final ChildProcess child = new ChildProcess(name, log, process, writer);
            final Thread reader = new Thread(child::readOutput, "child-out-" + name);
            reader.setDaemon(true);
            reader.start();
            return child;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot start child JVM: name=" + name + ", log=" + log, e);
        }
    }

    String name()
    {
        return name;
    }

    boolean alive()
    {
        return process.isAlive();
    }

    /**
     * Waits for the first line {@code test} accepts (among the lines printed so far and those to come).
     *
     * @throws AssertionError with the log's tail when it does not come in time or the process ends first.
     */
    String awaitLine(final Predicate<String> test, final Duration timeout, final String what)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this)
        {
            int seen = 0;
            while (true)
            {
                for (; seen < lines.size(); seen++)
                {
                    if (test.test(lines.get(seen)))
                    {
                        return lines.get(seen);
                    }
                }
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (outputEnded || leftMs <= 0)
                {
                    throw new AssertionError(name + ": " + (outputEnded ? "ended" : "timed out after " + timeout) +
                        " waiting for " + what + describe());
                }
                waitQuietly(leftMs);
            }
        }
    }

    /**
     * @return the last line starting with {@code prefix}, or null.
     */
    synchronized String lastLine(final String prefix)
    {
        for (int i = lines.size() - 1; i >= 0; i--)
        {
            if (lines.get(i).startsWith(prefix))
            {
                return lines.get(i);
            }
        }
        return null;
    }

    /**
     * Writes a command line to the process's standard input.
     */
    void send(final String command)
    {
        try
        {
            final OutputStream in = process.getOutputStream();
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        catch (final IOException e)
        {
            throw new AssertionError(name + ": cannot send '" + command + "': " + e + describe(), e);
        }
    }

    /**
     * Sends a signal by name ({@code STOP}, {@code CONT}) with the system's {@code kill} and waits for it to be sent.
     */
    void signal(final String signal)
    {
        try
        {
            final int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO()
                .start().waitFor();
            if (exit != 0)
            {
                throw new AssertionError(name + ": kill -" + signal + " exited " + exit + describe());
            }
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted sending " + signal, e);
        }
    }

    /**
     * Kills the process (SIGKILL) and waits until it is gone.
     */
    void kill9()
    {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /**
     * Asks the process to stop (SIGTERM).
     */
    void terminate()
    {
        process.destroy();
    }

    /**
     * @return the exit code once the process ended.
     * @throws AssertionError with the log's tail when it is still running after {@code timeout}.
     */
    int awaitExit(final Duration timeout)
    {
        try
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError(name + ": still running after " + timeout + describe());
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted while waiting for the exit", e);
        }
        LIVE.remove(process);
        return process.exitValue();
    }

    /**
     * @return the pid, the log file and its last lines, for failure messages.
     */
    String describe()
    {
        return "\n---- " + name + " (pid " + process.pid() + (process.isAlive() ? ", running" : ", exited " +
            process.exitValue()) + "), log " + log + ", last lines:\n" + tail();
    }

    /**
     * Kills the process if it still runs. Idempotent.
     */
    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(process);
    }

    private String tail()
    {
        try
        {
            final List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - TAIL_LINES), all.size()));
        }
        catch (final IOException | UncheckedIOException e)
        {
            return "(cannot read the log: " + e + ")";
        }
    }

    private void readOutput()
    {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                logWriter.write(line + System.lineSeparator());
                logWriter.flush();
                synchronized (this)
                {
                    lines.add(line);
                    notifyAll();
                }
            }
        }
        catch (final IOException e)
        {
            // the process is gone: the lines read so far stay
        }
        finally
        {
            try
            {
                logWriter.close();
            }
            catch (final IOException e)
            {
                // nothing more to write
            }
            synchronized (this)
            {
                outputEnded = true;
                notifyAll();
            }
        }
    }

    private void waitQuietly(final long ms)
    {
        try
        {
            wait(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted while waiting", e);
        }
    }
}

package io.rocklet.store.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link CrashWriter} seen from the test: its complete stdout lines, one at a time, and a
 * way to kill it. A line torn by the kill (no trailing " .") is dropped: it was never acknowledged.
 */
final class WriterProcess implements AutoCloseable
{
    private static final String END = "<eof>";

    private final Process process;
    private final Path errorLog;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private boolean ended;

    private WriterProcess(final Process process, final Path errorLog)
    {
        this.process = process;
        this.errorLog = errorLog;
        final Thread pump = new Thread(this::pump, "crash-writer-stdout-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    static WriterProcess start(final List<String> command, final Path errorLog) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectError(errorLog.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
        return new WriterProcess(builder.start(), errorLog);
    }

    /**
     * @return the next complete line, or null at the end of the output.
     * @throws AssertionError when no line comes within {@code timeoutSeconds}.
     */
    String nextLine(final long timeoutSeconds) throws InterruptedException
    {
        if (ended)
        {
            return null;
        }
        final String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (line == null)
        {
            throw new AssertionError("writer silent for " + timeoutSeconds + " s: pid=" + process.pid() +
                ", alive=" + process.isAlive() + ", stderr:\n" + errorTail());
        }
        if (line == END)
        {
            ended = true;
            return null;
        }
        return line;
    }

    /**
     * Kills the writer with SIGKILL and waits until it is gone.
     */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            throw new AssertionError("writer did not die: pid=" + process.pid());
        }
    }

    /**
     * @return the last lines the writer wrote to stderr.
     */
    String errorTail()
    {
        try
        {
            final List<String> all = Files.readAllLines(errorLog, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        }
        catch (final IOException e)
        {
            return "(cannot read " + errorLog + ": " + e + ")";
        }
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            try
            {
                kill();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private void pump()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (line.endsWith(" ."))
                {
                    lines.add(line.substring(0, line.length() - 2));
                }
            }
        }
        catch (final IOException e)
        {
            // the process is gone: what was read is all there is
        }
        finally
        {
            lines.add(END);
        }
    }
}

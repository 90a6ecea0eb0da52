package io.rocklet.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@link ClientMain} producer or consumer in a child JVM, booking into its own accounting journal under the test's
 * directory. Options are {@link ClientMain}'s; the counts of its {@code PROGRESS} and {@code DONE} lines are read
 * as numbers. Not thread-safe: one test drives it.
 */
final class ClientProcess implements AutoCloseable
{
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ChildProcess process;
    private final Path journal;

    private ClientProcess(final ChildProcess process, final Path journal)
    {
        this.process = process;
        this.journal = journal;
    }

    /**
     * Starts a producer; call {@link #awaitReady()} before relying on it.
     *
     * @param options more {@link ClientMain} options, e.g. {@code "--count", "200", "--keys", "4"}.
     */
    static ClientProcess producer(final String name, final String routers, final String topic, final Path directory,
        final String... options)
    {
        return start("producer", name, routers, topic, directory, options);
    }

    /**
     * Starts a consumer; call {@link #awaitReady()} before relying on it.
     *
     * @param options more {@link ClientMain} options, e.g. {@code "--orderly"}.
     */
    static ClientProcess consumer(final String name, final String routers, final String topic, final String group,
        final Path directory, final String... options)
    {
        final List<String> all = new ArrayList<>(List.of("--group", group));
        all.addAll(List.of(options));
        return start("consumer", name, routers, topic, directory, all.toArray(String[]::new));
    }

    /**
     * Starts a transactional producer ({@link TransactionRole}); call {@link #awaitReady()} before relying on it.
     */
    static ClientProcess transactionProducer(final String name, final String routers, final String topic,
        final Path directory, final String... options)
    {
        return start("txn-producer", name, routers, topic, directory, options);
    }

    private static ClientProcess start(final String kind, final String name, final String routers, final String topic,
        final Path directory, final String... options)
    {
        final Path journal = directory.resolve(name + ".journal");
        final List<String> args = new ArrayList<>(List.of(kind, "--name", name, "--routers", routers, "--topic", topic,
            "--journal", journal.toString()));
        args.addAll(List.of(options));
        return new ClientProcess(ChildProcess.start(name, directory.resolve(name + ".log"), ClientMain.class, args),
            journal);
    }

    String name()
    {
        return process.name();
    }

    /**
     * @return the accounting journal this client books into.
     */
    Path journal()
    {
        return journal;
    }

    ClientProcess awaitReady()
    {
        process.awaitLine(line -> line.startsWith("READY ") || line.startsWith("FAILED "), READY_TIMEOUT, "READY");
        if (process.lastLine("FAILED ") != null)
        {
            throw new AssertionError(name() + " failed to start" + process.describe());
        }
        return this;
    }

    /**
     * @return the counts of the latest PROGRESS line (empty before the first).
     */
    Map<String, Long> progress()
    {
        return counts(process.lastLine("PROGRESS "));
    }

    /**
     * @return the count {@code key} of the latest PROGRESS line, 0 when absent.
     */
    long progress(final String key)
    {
        return progress().getOrDefault(key, 0L);
    }

    /**
     * Waits for a PROGRESS line whose counts {@code test} accepts.
     *
     * @return those counts.
     */
    Map<String, Long> awaitProgress(final Predicate<Map<String, Long>> test, final Duration timeout,
        final String what)
    {
        return counts(process.awaitLine(line -> line.startsWith("PROGRESS ") && test.test(counts(line)), timeout,
            what));
    }

    /**
     * Waits until the process printed DONE by itself (a producer that sent its count) and exited 0.
     *
     * @return the final counts.
     */
    Map<String, Long> awaitDone(final Duration timeout)
    {
        final Map<String, Long> counts = counts(process.awaitLine(line -> line.startsWith("DONE "), timeout,
            "DONE"));
        assertEquals(0, process.awaitExit(STOP_TIMEOUT), name() + ": exit code" + process.describe());
        return counts;
    }

    /**
     * Sends STOP, waits for DONE (everything closed, the journal written) and the exit (code 0).
     *
     * @return the final counts.
     */
    Map<String, Long> stop()
    {
        process.send("STOP");
        return awaitDone(STOP_TIMEOUT);
    }

    /**
     * Kills the JVM with SIGKILL and waits until it is gone.
     */
    void kill9()
    {
        process.kill9();
    }

    String describe()
    {
        return process.describe();
    }

    /**
     * Kills the JVM if it still runs. Idempotent.
     */
    @Override
    public void close()
    {
        process.close();
    }

    private static Map<String, Long> counts(final String line)
    {
        final Map<String, Long> counts = new HashMap<>();
        if (line == null)
        {
            return counts;
        }
        for (final String field : line.split(" "))
        {
            final int equals = field.indexOf('=');
            if (equals > 0)
            {
                counts.put(field.substring(0, equals), Long.parseLong(field.substring(equals + 1)));
            }
        }
        return counts;
    }
}

package io.rocklet.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Small helpers the examples share: waiting for a condition with a deadline, temporary directories, bodies as text.
 */
final class ExampleSupport
{
    private ExampleSupport()
    {
    }

    /**
     * Checks {@code condition} every 20 ms until it holds or {@code timeout} passes.
     *
     * @return whether it holds.
     */
    static boolean await(final Duration timeout, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Waits until the wall clock has moved past now, so that what is sent next is stored at a later millisecond.
     *
     * @return the time after the wait.
     */
    static long nextMillisecond() throws InterruptedException
    {
        final long now = System.currentTimeMillis();
        await(Duration.ofSeconds(1), () -> System.currentTimeMillis() > now + 1);
        return System.currentTimeMillis();
    }

    static String text(final byte[] body)
    {
        return new String(body, StandardCharsets.UTF_8);
    }

    static Path temporaryDirectory(final String prefix)
    {
        try
        {
            return Files.createTempDirectory(prefix);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create a temporary directory: prefix=" + prefix, e);
        }
    }

    static void deleteTree(final Path root)
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot delete: directory=" + root, e);
        }
    }
}

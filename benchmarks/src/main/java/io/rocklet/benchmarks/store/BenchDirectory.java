package io.rocklet.benchmarks.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The scenarios' scratch space: one fresh directory per run under a base directory on a real disk
 * (never tmpfs), deleted after the run so that disk use stays bounded; it also keeps count of the bytes
 * the runs wrote.
 */
public final class BenchDirectory
{
    private final Path base;
    private long writtenBytes;

    /**
     * @param base where run directories are created (created if missing).
     */
    public BenchDirectory(final Path base)
    {
        this.base = base;
        try
        {
            Files.createDirectories(base);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create benchmark directory: dir=" + base, e);
        }
    }

    public Path base()
    {
        return base;
    }

    /**
     * @param name a name for the run (the figure's name).
     * @return a new empty directory for it.
     */
    public Path fresh(final String name)
    {
        try
        {
            return Files.createTempDirectory(base, name + "-");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create run directory: base=" + base + ", name=" + name, e);
        }
    }

    /**
     * Adds {@code bytes} to the count of bytes written.
     */
    public void recordWritten(final long bytes)
    {
        writtenBytes += bytes;
    }

    /**
     * @return bytes written by all runs so far (log and queue data as reported by the runs).
     */
    public long writtenBytes()
    {
        return writtenBytes;
    }

    /**
     * Deletes {@code directory} and everything in it.
     */
    public static void delete(final Path directory)
    {
        if (directory == null || !Files.exists(directory))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot delete run directory: dir=" + directory, e);
        }
    }
}

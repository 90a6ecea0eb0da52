package io.rocklet.store.internal.file;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files named by a 20-digit, zero-padded number (a log offset or a queue offset), as every data file
 * of the store is, so that names sort in offset order.
 */
public final class FileNames
{
    private static final Logger LOG = LoggerFactory.getLogger(FileNames.class);
    private static final int DIGITS = 20;
    /** Suffix of a file being created (see {@code Preallocation}); one left by a crash is deleted. */
    static final String CREATING_SUFFIX = ".creating";

    private FileNames()
    {
    }

    public static String name(final long offset)
    {
        final String digits = Long.toString(offset);
        return "0".repeat(DIGITS - digits.length()) + digits;
    }

    /**
     * @return the number a file name stands for, or -1 when it is not a 20-digit name.
     */
    public static long parse(final String name)
    {
        if (name.length() != DIGITS)
        {
            return -1;
        }
        for (int i = 0; i < DIGITS; i++)
        {
            if (name.charAt(i) < '0' || name.charAt(i) > '9')
            {
                return -1;
            }
        }
        try
        {
            return Long.parseLong(name);
        }
        catch (final NumberFormatException e)
        {
            return -1;
        }
    }

    /**
     * @return the offsets of the numbered files in {@code dir}, ascending; other files are logged and skipped.
     */
    public static long[] list(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return new long[0];
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(Files::isRegularFile)
                .filter(FileNames::notLeftOverFromCreation)
                .map(p -> p.getFileName().toString())
                .mapToLong(name ->
                {
                    final long offset = parse(name);
                    if (offset < 0)
                    {
                        LOG.warn("ignoring unexpected file: dir={}, file={}", dir, name);
                    }
                    return offset;
                })
                .filter(offset -> offset >= 0)
                .sorted()
                .toArray();
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot list directory: dir=" + dir, e);
        }
    }

    private static boolean notLeftOverFromCreation(final Path path)
    {
        if (!path.getFileName().toString().endsWith(CREATING_SUFFIX))
        {
            return true;
        }
        try
        {
            Files.deleteIfExists(path);
            LOG.info("deleted a file whose creation a crash interrupted: file={}", path);
        }
        catch (final IOException e)
        {
            LOG.warn("cannot delete a partly created file: file={}, error={}", path, e.toString());
        }
        return false;
    }

    /**
     * Deletes a directory tree; missing is fine.
     */
    public static void deleteTree(final Path root)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p ->
            {
                try
                {
                    Files.deleteIfExists(p);
                }
                catch (final IOException e)
                {
                    LOG.warn("cannot delete: path={}, error={}", p, e.toString());
                }
            });
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot delete directory: dir=" + root, e);
        }
    }

    public static void createDirectories(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot create directory: dir=" + dir, e);
        }
    }
}

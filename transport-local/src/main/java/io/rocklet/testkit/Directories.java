package io.rocklet.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removes a test broker's directory tree.
 */
final class Directories
{
    private static final Logger LOG = LoggerFactory.getLogger(Directories.class);

    private Directories()
    {
    }

    /**
     * Deletes {@code directory} and everything under it; a failure is logged, not thrown (the tests passed, a
     * left-over temporary directory must not fail them).
     */
    static void deleteTree(final Path directory)
    {
        if (!Files.exists(directory))
        {
            return;
        }
        try
        {
            Files.walkFileTree(directory, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
                    throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path dir, final IOException error) throws IOException
                {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException e)
        {
            LOG.warn("cannot remove the test broker's data directory: dir={}, error={}", directory, e.toString());
        }
    }
}

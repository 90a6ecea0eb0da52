package io.rocklet.store.internal.file;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Creates files of a fixed size. With preallocation the blocks are reserved with
 * {@code fallocate(2)}, so that running out of disk fails at creation with an error instead of a
 * memory fault on a later write into the mapping; without it (or where fallocate is unsupported)
 * the file is sparse.
 */
final class Preallocation
{
    private static final Logger LOG = LoggerFactory.getLogger(Preallocation.class);
    private static final int O_RDWR = 02;
    private static final int O_CREAT = 0100;
    private static volatile boolean fallocateWorks = true;

    private Preallocation()
    {
    }

    /**
     * Creates {@code path} at its full size atomically: sized under a temporary name, then renamed, so
     * that a crash never leaves a short file under the real name (it would look truncated).
     */
    static void create(final Path path, final long size, final boolean preallocate) throws IOException
    {
        final Path temporary = path.resolveSibling(path.getFileName() + FileNames.CREATING_SUFFIX);
        Files.deleteIfExists(temporary);
        if (!(preallocate && fallocateWorks && fallocate(temporary, size)))
        {
            try (RandomAccessFile raf = new RandomAccessFile(temporary.toFile(), "rw"))
            {
                raf.setLength(size);
            }
        }
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean fallocate(final Path path, final long size) throws IOException
    {
        final PosixAPI posix;
        try
        {
            posix = PosixAPI.posix();
        }
        catch (final RuntimeException | LinkageError e)
        {
            fallocateWorks = false;
            LOG.info("fallocate unavailable, files will be sparse: reason={}", e.toString());
            return false;
        }
        final int fd = posix.open(path.toString(), O_RDWR | O_CREAT, 0644);
        if (fd < 0)
        {
            throw new IOException("cannot create file: file=" + path);
        }
        try
        {
            final int result = posix.fallocate(fd, 0, 0, size);
            if (result == 0)
            {
                return true;
            }
            final long usable = java.nio.file.Files.getFileStore(path).getUsableSpace();
            if (usable < size)
            {
                java.nio.file.Files.deleteIfExists(path);
                throw new StorageException(ErrorCode.DISK_FULL, "no space for a new file: file=" + path +
                    ", bytes=" + size + ", usableBytes=" + usable);
            }
            LOG.debug("fallocate failed, file will be sparse: file={}, result={}", path, result);
            return false;
        }
        finally
        {
            posix.close(fd);
        }
    }
}

package io.rocklet.store.internal.recovery;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive ownership of a data directory: a lock on its {@code lock} file, held while the store is
 * open, so that a second store (in this JVM or another process) is refused instead of corrupting it.
 */
public final class DirectoryLock implements AutoCloseable
{
    public static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws StorageException with {@link ErrorCode#DIRECTORY_LOCKED} when another store owns the directory.
     */
    public static DirectoryLock acquire(final Path directory)
    {
        final Path file = directory.resolve(FILE);
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                throw new StorageException(ErrorCode.DIRECTORY_LOCKED,
                    "data directory is in use by another process: dir=" + directory);
            }
            return new DirectoryLock(channel, lock);
        }
        catch (final OverlappingFileLockException e)
        {
            closeQuietly(channel);
            throw new StorageException(ErrorCode.DIRECTORY_LOCKED,
                "data directory is in use by another store in this JVM: dir=" + directory, e);
        }
        catch (final IOException e)
        {
            closeQuietly(channel);
            throw new StorageException(ErrorCode.IO_ERROR, "cannot lock data directory: dir=" + directory, e);
        }
        catch (final StorageException e)
        {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignore)
        {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing more can be done; the OS releases the lock with the process
            }
        }
    }
}

package io.rocklet.store.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.StorageException;
import io.rocklet.store.MessageArrivalListener;
import io.rocklet.store.MessageStore;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import io.rocklet.store.internal.file.FileNames;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.recovery.Checkpoint;
import io.rocklet.store.internal.recovery.DirectoryLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts a closed, empty store's log at a later offset ({@link io.rocklet.store.MessageStores#seed}): for a new replica
 * whose master no longer has the start of its log. Runs on the caller's thread with no store open on the directory.
 */
public final class StoreSeeding
{
    private StoreSeeding()
    {
    }

    /**
     * Opens the store (recovering it) to check that it holds no record, closes it, replaces its empty segments by one
     * starting at {@code logOffset} and drops the checkpoint, so that the next open starts the log there.
     */
    public static void seed(final StoreConfig config, final long logOffset)
    {
        if (config.directory() == null || config.ephemeral())
        {
            throw new InvalidArgumentException("cannot seed a store without a lasting directory (an ephemeral store is " +
                "deleted on close): dir=" + config.directory() + ", logOffset=" + logOffset);
        }
        if (logOffset <= 0 || logOffset % config.segmentSizeBytes() != 0)
        {
            throw new InvalidArgumentException("a seeded log starts at a positive segment boundary: logOffset=" +
                logOffset + ", segmentSizeBytes=" + config.segmentSizeBytes() + ", dir=" + config.directory());
        }
        try (MessageStore store = DefaultMessageStore.open(config.toBuilder().threadingMode(ThreadingMode.INVOKER)
            .arrivalListener(MessageArrivalListener.NONE).build(), null))
        {
            if (store.logEndOffset() != 0 || store.logStartOffset() != 0)
            {
                throw new InvalidArgumentException("only a store without records can be seeded: logStart=" +
                    store.logStartOffset() + ", logEnd=" + store.logEndOffset() + ", dir=" + config.directory() +
                    ", logOffset=" + logOffset);
            }
        }
        final Path directory = config.directory();
        final DirectoryLock lock = DirectoryLock.acquire(directory);
        try
        {
            final Path logDirectory = directory.resolve(CommitLog.DIRECTORY);
            for (final long base : FileNames.list(logDirectory))
            {
                Files.delete(logDirectory.resolve(FileNames.name(base))); // empty: checked above
            }
            Files.deleteIfExists(directory.resolve(Checkpoint.FILE));
            final CommitLog log = new CommitLog(directory, config.segmentSizeBytes(), config.preallocate(),
                config.fsync());
            try
            {
                log.addSegment(logOffset);
            }
            finally
            {
                log.close();
            }
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot seed the store: dir=" + directory + ", logOffset=" +
                logOffset, e);
        }
        finally
        {
            lock.close();
        }
    }
}

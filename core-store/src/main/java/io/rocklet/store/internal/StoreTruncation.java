package io.rocklet.store.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.StorageException;
import io.rocklet.store.MessageArrivalListener;
import io.rocklet.store.MessageStore;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.recovery.Checkpoint;
import io.rocklet.store.internal.recovery.DirectoryLock;
import io.rocklet.store.internal.recovery.LogTruncation;
import io.rocklet.store.internal.replica.EpochFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Cuts a closed store's log for a replica whose tail diverged from its new master ({@link
 * io.rocklet.store.MessageStores#truncate}). Runs on the caller's thread with no store open on the directory.
 */
public final class StoreTruncation
{
    private StoreTruncation()
    {
    }

    /**
     * See {@link io.rocklet.store.MessageStores#truncate}: opens the store (recovering it) to learn where its records
     * end, closes it cleanly, then cuts the log, drops later epochs and the checkpoint and leaves the abort mark, so
     * that the next open rebuilds queues and index as after a crash.
     */
    public static Path truncate(final StoreConfig config, final long logOffset)
    {
        if (config.directory() == null || config.ephemeral())
        {
            throw new InvalidArgumentException("cannot truncate a store without a lasting directory: " +
                "dir=" + config.directory());
        }
        final long logEnd;
        try (MessageStore store = DefaultMessageStore.open(config.toBuilder().threadingMode(ThreadingMode.INVOKER)
            .arrivalListener(MessageArrivalListener.NONE).build(), null))
        {
            logEnd = store.logEndOffset();
        }
        final Path directory = config.directory();
        final DirectoryLock lock = DirectoryLock.acquire(directory);
        final CommitLog log = new CommitLog(directory, config.segmentSizeBytes(), config.preallocate(), config.fsync());
        try
        {
            log.load();
            LogTruncation.checkBoundary(log, logOffset, logEnd);
            if (logOffset == logEnd)
            {
                return null;
            }
            Files.write(directory.resolve(DefaultMessageStore.ABORT_FILE), new byte[0]);
            Files.deleteIfExists(directory.resolve(Checkpoint.FILE));
            final Path quarantined = LogTruncation.truncate(directory, log, logOffset, logEnd, config.fsync());
            EpochFile.load(directory, config.fsync()).truncateFrom(logOffset);
            return quarantined;
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot truncate the store: dir=" + directory +
                ", offset=" + logOffset, e);
        }
        finally
        {
            log.close();
            lock.close();
        }
    }
}

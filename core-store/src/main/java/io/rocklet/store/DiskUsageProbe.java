package io.rocklet.store;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reports how full the volume holding the store is. Retention deletes old segments early and the
 * store refuses writes based on it; tests inject their own.
 */
@FunctionalInterface
public interface DiskUsageProbe
{
    /** Asks the file system. */
    DiskUsageProbe FILE_SYSTEM = directory ->
    {
        try
        {
            final FileStore store = Files.getFileStore(directory);
            final long total = store.getTotalSpace();
            return total <= 0 ? 0.0 : 1.0 - (double)store.getUsableSpace() / total;
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot read disk usage: dir=" + directory, e);
        }
    };

    /**
     * @param directory the store's directory.
     * @return used space as a fraction of the volume, 0.0 to 1.0.
     */
    double usedRatio(Path directory);
}

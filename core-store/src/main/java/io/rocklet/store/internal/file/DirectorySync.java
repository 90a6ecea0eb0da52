package io.rocklet.store.internal.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Syncs a directory so that files created, renamed or deleted in it survive a crash.
 */
public final class DirectorySync
{
    private DirectorySync()
    {
    }

    public static void sync(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}

package io.rocklet.store.internal.recovery;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.internal.file.DirectorySync;
import io.rocklet.store.internal.file.FileNames;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies damaged commit-log bytes to {@code quarantine/} in the store directory before recovery changes
 * them, one file per damaged range, named {@code <log offset>-<bytes>.bin}; each file and the directory are
 * synced before the log is touched. Nothing deletes these files: an operator inspects and removes them.
 */
final class Quarantine
{
    static final String DIRECTORY = "quarantine";

    private final Path directory;
    private final boolean fsync;

    Quarantine(final Path storeDirectory, final boolean fsync)
    {
        this.directory = storeDirectory.resolve(DIRECTORY);
        this.fsync = fsync;
    }

    /**
     * Copies the log's bytes [{@code from}, {@code to}), which may span segments.
     *
     * @return the quarantine file.
     */
    Path copy(final CommitLog log, final long from, final long to)
    {
        final Path file = directory.resolve(FileNames.name(from) + "-" + (to - from) + ".bin");
        try
        {
            Files.createDirectories(directory);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                final byte[] chunk = new byte[64 * 1024];
                long position = from;
                while (position < to)
                {
                    final LogSegment segment = log.segmentFor(position);
                    if (segment == null)
                    {
                        break;
                    }
                    final int index = (int)(position - segment.baseOffset());
                    final int length = (int)Math.min(chunk.length, Math.min(to, segment.endOffset()) - position);
                    segment.buffer().getBytes(index, chunk, 0, length);
                    final ByteBuffer bytes = ByteBuffer.wrap(chunk, 0, length);
                    while (bytes.hasRemaining())
                    {
                        channel.write(bytes);
                    }
                    position += length;
                }
                if (fsync)
                {
                    channel.force(true);
                }
            }
            if (fsync)
            {
                DirectorySync.sync(directory);
            }
            return file;
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot quarantine damaged log bytes, nothing was changed: " +
                "file=" + file + ", logOffset=" + from + ", bytes=" + (to - from), e);
        }
    }
}

package io.rocklet.store.internal.replica;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.StorageException;
import io.rocklet.api.spi.EpochEntry;
import io.rocklet.store.internal.file.DirectorySync;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The store's epoch history (RocketMQ 5's {@code EpochFileCache}): which master term wrote the log from which offset.
 * File {@code epochs} in the store directory, ASCII:
 * <pre>
 *   epochs v1
 *   &lt;epoch&gt; &lt;start offset&gt;     one line per entry, oldest first
 *   crc &lt;CRC32C of the lines above, hex&gt;
 * </pre>
 * Every change rewrites the file whole: a temporary file is written and synced, then renamed over the old one and the
 * directory synced, so a crash leaves the old or the new history, never a mix. Epochs rise strictly and start offsets
 * never go back; an entry breaking that is refused. Thread-safe (every method is synchronized).
 */
public final class EpochFile
{
    public static final String FILE = "epochs";
    private static final String HEADER = "epochs v1";

    private final Path file;
    private final boolean fsync;
    private final List<EpochEntry> entries = new ArrayList<>();

    private EpochFile(final Path file, final boolean fsync)
    {
        this.file = file;
        this.fsync = fsync;
    }

    /**
     * Loads the history in {@code storeDirectory} (empty when there is no file).
     *
     * @throws StorageException with {@link ErrorCode#STORE_DAMAGED} when the file does not verify.
     */
    public static EpochFile load(final Path storeDirectory, final boolean fsync)
    {
        final EpochFile epochs = new EpochFile(storeDirectory.resolve(FILE), fsync);
        if (Files.exists(epochs.file))
        {
            epochs.entries.addAll(parse(epochs.file));
        }
        return epochs;
    }

    /**
     * @return the entries, oldest first.
     */
    public synchronized List<EpochEntry> entries()
    {
        return List.copyOf(entries);
    }

    /**
     * @return the newest entry, or null when the history is empty.
     */
    public synchronized EpochEntry last()
    {
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }

    /**
     * Appends an entry, durably. The same entry as the newest one again is a no-op.
     *
     * @throws InvalidArgumentException when the epoch is not above the newest one or the start offset is below its
     *                                  start.
     */
    public synchronized void append(final long epoch, final long startOffset)
    {
        final EpochEntry last = last();
        if (last != null && last.epoch() == epoch && last.startOffset() == startOffset)
        {
            return;
        }
        if (epoch < 1 || startOffset < 0)
        {
            throw new InvalidArgumentException("illegal epoch entry: epoch=" + epoch + ", startOffset=" + startOffset +
                ", file=" + file);
        }
        if (last != null && (epoch <= last.epoch() || startOffset < last.startOffset()))
        {
            throw new InvalidArgumentException("epoch going backwards refused: epoch=" + epoch + ", startOffset=" +
                startOffset + ", lastEpoch=" + last.epoch() + ", lastStartOffset=" + last.startOffset() + ", file=" +
                file);
        }
        final List<EpochEntry> next = new ArrayList<>(entries);
        next.add(new EpochEntry(epoch, startOffset));
        write(next);
        entries.add(next.get(next.size() - 1));
    }

    /**
     * Drops, durably, every entry starting at or after {@code logOffset} (the log is cut there).
     *
     * @return the number of entries dropped.
     */
    public synchronized int truncateFrom(final long logOffset)
    {
        final List<EpochEntry> kept = new ArrayList<>();
        for (final EpochEntry entry : entries)
        {
            if (entry.startOffset() < logOffset)
            {
                kept.add(entry);
            }
        }
        final int dropped = entries.size() - kept.size();
        if (dropped > 0)
        {
            write(kept);
            entries.clear();
            entries.addAll(kept);
        }
        return dropped;
    }

    private void write(final List<EpochEntry> next)
    {
        final StringBuilder body = new StringBuilder(HEADER).append('\n');
        for (final EpochEntry entry : next)
        {
            body.append(entry.epoch()).append(' ').append(entry.startOffset()).append('\n');
        }
        final String text = body + "crc " + Long.toHexString(crc(body.toString())) + '\n';
        final Path temp = file.resolveSibling(FILE + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                channel.write(StandardCharsets.US_ASCII.encode(text));
                if (fsync)
                {
                    channel.force(true);
                }
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (fsync)
            {
                DirectorySync.sync(file.getParent());
            }
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot write the epoch file: file=" + file + ", entries=" +
                next, e);
        }
    }

    private static List<EpochEntry> parse(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot read the epoch file: file=" + file, e);
        }
        if (lines.size() < 2 || !HEADER.equals(lines.get(0)) || !lines.get(lines.size() - 1).startsWith("crc "))
        {
            throw damaged(file, "missing header or crc line");
        }
        final StringBuilder body = new StringBuilder();
        final List<EpochEntry> parsed = new ArrayList<>();
        for (int i = 0; i < lines.size() - 1; i++)
        {
            body.append(lines.get(i)).append('\n');
            if (i == 0)
            {
                continue;
            }
            final String[] fields = lines.get(i).split(" ");
            try
            {
                final EpochEntry entry = new EpochEntry(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
                final EpochEntry previous = parsed.isEmpty() ? null : parsed.get(parsed.size() - 1);
                if (fields.length != 2 || entry.epoch() < 1 || entry.startOffset() < 0 || (previous != null &&
                    (entry.epoch() <= previous.epoch() || entry.startOffset() < previous.startOffset())))
                {
                    throw damaged(file, "entry out of order at line " + (i + 1) + ": " + lines.get(i));
                }
                parsed.add(entry);
            }
            catch (final NumberFormatException | ArrayIndexOutOfBoundsException e)
            {
                throw damaged(file, "malformed line " + (i + 1) + ": " + lines.get(i));
            }
        }
        final String stored = lines.get(lines.size() - 1).substring(4);
        if (!stored.equals(Long.toHexString(crc(body.toString()))))
        {
            throw damaged(file, "crc mismatch");
        }
        return parsed;
    }

    private static long crc(final String text)
    {
        final CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    private static StorageException damaged(final Path file, final String why)
    {
        return new StorageException(ErrorCode.STORE_DAMAGED, "epoch file damaged: file=" + file + ", problem=" + why +
            "; restore it from a replica or remove it to start the history afresh");
    }
}

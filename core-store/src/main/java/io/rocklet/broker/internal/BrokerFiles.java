package io.rocklet.broker.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's small state files (topics, consumer offsets, delay offsets): UTF-8 text, one record per line,
 * fields separated by single spaces, written whole to {@code <name>.tmp}, synced, and renamed over the old file
 * (so a reader sees the old or the new file, never a mix).
 *
 * <pre>
 * # rocklet &lt;kind&gt; v1      header: the kind of file
 * field field field ...     one record per line
 * # end                     last line: a file without it was cut short (whole lines before the cut are used)
 * </pre>
 *
 * Stateless; callers serialise writes of one file.
 */
public final class BrokerFiles
{
    private static final Logger LOG = LoggerFactory.getLogger(BrokerFiles.class);
    private static final String END = "# end";

    private BrokerFiles()
    {
    }

    /**
     * Replaces {@code file} with the header, the records and the end mark.
     *
     * @param fsync sync the file and its directory (false in ephemeral stores).
     * @throws StorageException with IO_ERROR when the file cannot be written.
     */
    public static void write(final Path file, final String kind, final List<String> records, final boolean fsync)
    {
        final StringBuilder text = new StringBuilder(64 + records.size() * 48);
        text.append("# rocklet ").append(kind).append(" v1\n");
        for (final String record : records)
        {
            text.append(record).append('\n');
        }
        text.append(END).append('\n');
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try
        {
            Files.createDirectories(file.getParent());
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            if (fsync)
            {
                try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE))
                {
                    channel.force(true);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (fsync)
            {
                syncDirectory(file.getParent());
            }
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot write broker file: file=" + file, e);
        }
    }

    /**
     * @return the records of {@code file}, each split into its fields; empty when the file does not exist.
     *     Blank lines and comments are skipped; a file without its end mark is logged and its whole lines (those
     *     ending in a newline) are used.
     * @throws StorageException with IO_ERROR when the file cannot be read.
     */
    public static List<String[]> read(final Path file)
    {
        if (!Files.exists(file))
        {
            return List.of();
        }
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot read broker file: file=" + file, e);
        }
        // a line is whole only when its newline made it to disk: what follows the last newline is dropped
        final String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n");
        final List<String[]> records = new ArrayList<>(lines.length);
        boolean ended = false;
        for (final String line : lines)
        {
            if (line.equals(END))
            {
                ended = true;
                break;
            }
            if (!line.isBlank() && !line.startsWith("#"))
            {
                records.add(line.trim().split(" "));
            }
        }
        if (!ended)
        {
            LOG.warn("broker file cut short, using the records before the cut: file={}, records={}", file,
                records.size());
        }
        return records;
    }

    /**
     * Logs a record that cannot be parsed; the caller skips it.
     */
    static void skip(final Path file, final String[] record, final String reason)
    {
        LOG.warn("skipping malformed record in broker file: file={}, record={}, reason={}", file,
            String.join(" ", record), reason);
    }

    private static void syncDirectory(final Path directory)
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException e)
        {
            // some platforms cannot open directories; the rename itself is still atomic
            LOG.debug("cannot sync directory: dir={}, error={}", directory, e.toString());
        }
    }
}

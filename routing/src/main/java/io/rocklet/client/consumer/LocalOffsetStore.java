package io.rocklet.client.consumer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Offsets of a broadcasting consumer, kept in one file per consumer instance and group under the offset
 * directory, loaded when the store is made and rewritten whole on every commit (written to {@code <name>.tmp},
 * forced to disk, then renamed over the file, so a crash leaves the old or the new file, never a torn one).
 * Every instance owns its file: the instance is named by the client's
 * {@link io.rocklet.api.ClientConfig#instanceName()}, stable across restarts of the same configuration, so a
 * restarted instance continues where it stopped while other instances of the group on the same host, with other
 * names, keep their own positions.
 *
 * <p>File {@code <directory>/<url-encoded instance name>/<url-encoded group>.offsets}, UTF-8 text:
 * <pre>
 * # rocklet consumer offsets v1 group=&lt;group&gt;
 * &lt;topic&gt; TAB &lt;brokerName&gt; TAB &lt;queueId&gt; TAB &lt;offset&gt;     (one line per queue)
 * </pre>
 * Malformed lines are skipped with one warning. Two consumers of one group with the same instance name and
 * directory share the file (each overwrites the other's queues): give each instance its own name.
 *
 * <p>Thread-safe: every method holds this object's monitor (commits are small and rare).
 */
final class LocalOffsetStore implements OffsetStore
{
    private static final Logger LOG = LoggerFactory.getLogger(LocalOffsetStore.class);
    private static final String HEADER = "# rocklet consumer offsets v1";

    private final String group;
    private final Path file;
    private final Path tempFile;
    private final Map<MessageQueue, Long> offsets = new HashMap<>();

    /**
     * Loads the instance's file of the group from {@code directory} (creating the directories when missing).
     *
     * @param instanceName the consumer instance ({@link io.rocklet.api.ClientConfig#instanceName()}).
     * @throws RockletException with IO_ERROR when the directory or file cannot be read.
     */
    LocalOffsetStore(final Path directory, final String instanceName, final String group)
    {
        this.group = group;
        final Path instanceDirectory = directory.resolve(URLEncoder.encode(instanceName, StandardCharsets.UTF_8));
        final String name = URLEncoder.encode(group, StandardCharsets.UTF_8) + ".offsets";
        this.file = instanceDirectory.resolve(name);
        this.tempFile = instanceDirectory.resolve(name + ".tmp");
        try
        {
            Files.createDirectories(instanceDirectory);
        }
        catch (final IOException ex)
        {
            throw new RockletException(ErrorCode.IO_ERROR, "creating the offset directory failed: group=" + group +
                ", instanceName=" + instanceName + ", directory=" + instanceDirectory, ex);
        }
        load();
    }

    /**
     * @return the file offsets are kept in.
     */
    Path file()
    {
        return file;
    }

    @Override
    public synchronized CompletableFuture<Long> read(final MessageQueue queue)
    {
        return CompletableFuture.completedFuture(offsets.getOrDefault(queue, -1L));
    }

    @Override
    public synchronized CompletableFuture<Void> commit(final Map<MessageQueue, Long> committed)
    {
        boolean changed = false;
        for (final Map.Entry<MessageQueue, Long> entry : committed.entrySet())
        {
            if (entry.getValue() >= 0 && !entry.getValue().equals(offsets.put(entry.getKey(), entry.getValue())))
            {
                changed = true;
            }
        }
        if (!changed)
        {
            return Futures.done();
        }
        try
        {
            write();
            return Futures.done();
        }
        catch (final IOException ex)
        {
            return CompletableFuture.failedFuture(new RockletException(ErrorCode.IO_ERROR,
                "writing consumer offsets failed: group=" + group + ", file=" + file, ex));
        }
    }

    private void load()
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            return;
        }
        catch (final IOException ex)
        {
            throw new RockletException(ErrorCode.IO_ERROR, "reading consumer offsets failed: group=" + group +
                ", file=" + file, ex);
        }
        int malformed = 0;
        for (final String line : lines)
        {
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\t", -1);
            try
            {
                if (fields.length != 4)
                {
                    throw new NumberFormatException("fields=" + fields.length);
                }
                final long offset = Long.parseLong(fields[3]);
                if (offset < 0)
                {
                    throw new NumberFormatException("offset=" + offset);
                }
                offsets.put(new MessageQueue(fields[0], fields[1], Integer.parseInt(fields[2])), offset);
            }
            catch (final RuntimeException ex)
            {
                malformed++;
            }
        }
        if (malformed > 0)
        {
            LOG.warn("skipped malformed consumer offset lines: group={}, file={}, lines={}", group, file, malformed);
        }
    }

    private void write() throws IOException
    {
        final StringBuilder text = new StringBuilder(64 + offsets.size() * 48);
        text.append(HEADER).append(" group=").append(group).append('\n');
        offsets.entrySet().stream()
            .sorted(Map.Entry.comparingByKey(AllocateAverage.QUEUE_ORDER))
            .forEach(entry -> text.append(entry.getKey().topic()).append('\t')
                .append(entry.getKey().brokerName()).append('\t')
                .append(entry.getKey().queueId()).append('\t')
                .append(entry.getValue()).append('\n'));
        final ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        try (FileChannel channel = FileChannel.open(tempFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try
        {
            Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(tempFile, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

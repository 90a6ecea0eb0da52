package io.rocklet.store.internal.queue;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.api.TopicNames;
import io.rocklet.store.internal.file.DirectorySync;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every topic the store has seen, by name and by id. Topics are added on first append (or found on
 * disk by recovery) and never removed while the store is open; a deleted topic keeps its state, its
 * queues reset, with a watermark below which its records are gone ({@link TopicState#visibleFrom()}).
 * Thread-safe.
 *
 * <p>The watermarks live in {@value #WATERMARK_FILE} in the store directory, one line per deleted
 * topic: {@code <log offset> <topic>}, rewritten whole (temporary file, then an atomic move) on every
 * delete.
 */
public final class TopicTable
{
    public static final String DIRECTORY = "consumequeue";
    public static final String WATERMARK_FILE = "topic-watermarks";

    private final ConcurrentHashMap<String, TopicState> byName = new ConcurrentHashMap<>();
    private final Map<String, Long> watermarks = new TreeMap<>();
    private final Path directory;
    private final Path watermarkFile;
    private final int entriesPerFile;
    private final boolean preallocate;
    private final boolean fsync;
    private volatile TopicState[] byId = new TopicState[0];

    public TopicTable(final Path storeDirectory, final int entriesPerFile, final boolean preallocate)
    {
        this(storeDirectory, entriesPerFile, preallocate, false);
    }

    public TopicTable(final Path storeDirectory, final int entriesPerFile, final boolean preallocate,
        final boolean fsync)
    {
        this.directory = storeDirectory.resolve(DIRECTORY);
        this.watermarkFile = storeDirectory.resolve(WATERMARK_FILE);
        this.entriesPerFile = entriesPerFile;
        this.preallocate = preallocate;
        this.fsync = fsync;
        loadWatermarks();
    }

    /**
     * Marks every record of {@code topic} below {@code logOffset} as deleted, on disk first. The append-lock
     * holder, which also resets the topic's queues.
     */
    public synchronized void markDeleted(final TopicState topic, final long logOffset)
    {
        watermarks.put(topic.name(), logOffset);
        final StringBuilder text = new StringBuilder();
        watermarks.forEach((name, offset) -> text.append(offset).append(' ').append(name).append('\n'));
        final Path temp = watermarkFile.resolveSibling(WATERMARK_FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            channel.write(StandardCharsets.US_ASCII.encode(text.toString()));
            if (fsync)
            {
                channel.force(true);
            }
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot write topic watermarks: file=" + temp +
                ", topic=" + topic.name(), e);
        }
        try
        {
            Files.move(temp, watermarkFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (fsync)
            {
                DirectorySync.sync(watermarkFile.getParent());
            }
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot write topic watermarks: file=" + watermarkFile +
                ", topic=" + topic.name(), e);
        }
        topic.visibleFrom(logOffset);
    }

    /**
     * @return topic to the log position below which its records are deleted, for every topic ever deleted.
     */
    public synchronized Map<String, Long> deletions()
    {
        return Map.copyOf(watermarks);
    }

    /**
     * @return the log position below which the topic's records are deleted; 0 when it was never deleted.
     */
    public synchronized long watermark(final String name)
    {
        return watermarks.getOrDefault(name, 0L);
    }

    private void loadWatermarks()
    {
        if (!Files.exists(watermarkFile))
        {
            return;
        }
        try
        {
            for (final String line : Files.readAllLines(watermarkFile, StandardCharsets.US_ASCII))
            {
                final int space = line.indexOf(' ');
                if (space > 0)
                {
                    watermarks.put(line.substring(space + 1), Long.parseLong(line.substring(0, space)));
                }
            }
        }
        catch (final IOException | NumberFormatException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot read topic watermarks: file=" + watermarkFile, e);
        }
    }

    public Path directory()
    {
        return directory;
    }

    /**
     * @return the topic, or null when the store has never seen it.
     */
    public TopicState get(final String name)
    {
        return byName.get(name);
    }

    /**
     * @throws io.rocklet.api.InvalidArgumentException when the name breaks the naming rules.
     */
    public TopicState getOrCreate(final String name)
    {
        final TopicState existing = byName.get(name);
        return existing != null ? existing : create(name);
    }

    public TopicState byId(final int id)
    {
        return byId[id];
    }

    public List<TopicState> all()
    {
        return new ArrayList<>(Arrays.asList(byId));
    }

    private synchronized TopicState create(final String name)
    {
        final TopicState existing = byName.get(name);
        if (existing != null)
        {
            return existing;
        }
        TopicNames.validate(name);
        final TopicState[] current = byId;
        final TopicState topic = new TopicState(name, current.length, directory.resolve(name), entriesPerFile,
            preallocate);
        topic.visibleFrom(watermarks.getOrDefault(name, 0L));
        final TopicState[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = topic;
        byId = next;
        byName.put(name, topic);
        return topic;
    }
}

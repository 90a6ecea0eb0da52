package io.rocklet.store.internal.index;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.internal.file.FileNames;
import io.rocklet.store.internal.file.MappedRegion;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key index: {@code topic#key} to the log offsets of the records carrying that key, with their
 * store time, in a sequence of {@link IndexFile}s named by the first log offset they index. A record's
 * unique message id is indexed the same way under the empty topic ({@code #id}, {@link #UNIQUE_ID_TOPIC}),
 * which no real topic can be, so that {@link #queryUniqueId} finds every stored copy of a message.
 *
 * <p>Threads: the dispatcher (or recovery) writes; any thread queries; retention trims; the flusher
 * syncs. Stale entries (left by a crash, pointing past the recovered log) are harmless: queries
 * verify every hit against the record itself.
 */
public final class KeyIndex implements AutoCloseable
{
    public static final String DIRECTORY = "index";
    private static final Logger LOG = LoggerFactory.getLogger(KeyIndex.class);
    /** The "topic" unique ids are indexed under: none (topic names are never empty). Do not modify. */
    public static final byte[] UNIQUE_ID_TOPIC = new byte[0];
    private static final IndexFile[] NONE = new IndexFile[0];

    private final Path directory;
    private final int slotCount;
    private final int entryCapacity;
    private final boolean preallocate;
    private volatile IndexFile[] files = NONE;

    public KeyIndex(final Path storeDirectory, final int slotCount, final int entryCapacity, final boolean preallocate)
    {
        this.directory = storeDirectory.resolve(DIRECTORY);
        this.slotCount = slotCount;
        this.entryCapacity = entryCapacity;
        this.preallocate = preallocate;
        FileNames.createDirectories(directory);
    }

    public Path directory()
    {
        return directory;
    }

    /**
     * Opens the files on disk. Files whose header is damaged are deleted.
     *
     * @return the base offsets of the files that were damaged and deleted.
     */
    public List<Long> load()
    {
        final List<IndexFile> loaded = new ArrayList<>();
        final List<Long> damaged = new ArrayList<>();
        final long fileBytes = IndexDescriptor.fileBytes(slotCount, entryCapacity);
        final long[] bases = FileNames.list(directory);
        for (final long base : bases)
        {
            final Path path = directory.resolve(FileNames.name(base));
            // files are created at full size: a shorter one was cut and has lost entries (or its header)
            final boolean truncated = fileSize(path) < fileBytes;
            final MappedRegion region = MappedRegion.map(path, (int)fileBytes, false);
            // a file gets its header before its first entry: a zero header is damage, except on the newest file,
            // which a crash may have caught between its creation and its header (it holds no entry then)
            final boolean headerLost = region.buffer().getInt(IndexDescriptor.MAGIC_OFFSET) == 0 &&
                (base != bases[bases.length - 1] || !allZero(region));
            final IndexFile file = truncated || headerLost ? null :
                IndexFile.open(base, region, slotCount, entryCapacity);
            if (file == null)
            {
                LOG.warn("deleting damaged index file: file={}, truncated={}, headerLost={}", path, truncated, headerLost);
                region.releaseAndDelete();
                damaged.add(base);
            }
            else
            {
                loaded.add(file);
            }
        }
        files = loaded.toArray(NONE);
        return damaged;
    }

    /** A rare check (a zero header on the newest file): did the file ever hold anything? */
    private static boolean allZero(final MappedRegion region)
    {
        final org.agrona.concurrent.UnsafeBuffer buffer = region.buffer();
        final int end = buffer.capacity() & ~7;
        for (int i = 0; i < end; i += 8)
        {
            if (buffer.getLong(i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static long fileSize(final Path path)
    {
        try
        {
            return Files.size(path);
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot read index file size: file=" + path, e);
        }
    }

    /**
     * @return the files, oldest first.
     */
    public IndexFile[] files()
    {
        return files;
    }

    /**
     * Indexes one key of a record. Writer only.
     *
     * @param topic     the topic's bytes.
     * @param keyBuffer buffer holding the key's UTF-8 bytes.
     * @param keyIndex  where the key starts.
     * @param keyLength the key's length in bytes.
     */
    public void put(final byte[] topic, final DirectBuffer keyBuffer, final int keyIndex, final int keyLength,
        final long logOffset, final long storeTimestampMs)
    {
        final int hash = IndexDescriptor.hash(topic, keyBuffer, keyIndex, keyLength);
        final IndexFile[] current = files;
        IndexFile active = current.length == 0 ? null : current[current.length - 1];
        if (active == null || !active.put(hash, logOffset, storeTimestampMs))
        {
            active = newFile(logOffset);
            active.put(hash, logOffset, storeTimestampMs);
        }
    }

    /**
     * Finds the log offsets of records whose {@code topic#key} hashes like the one asked for, stored
     * within [{@code beginMs}, {@code endMs}]; the caller checks each record. Newest files first.
     *
     * @return distinct offsets, ascending.
     */
    public long[] query(final String topic, final String key, final long beginMs, final long endMs, final int max)
    {
        final byte[] topicBytes = topic.getBytes(StandardCharsets.US_ASCII);
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final int hash = IndexDescriptor.hash(topicBytes, new UnsafeBuffer(keyBytes), 0, keyBytes.length);
        final LongArrayList offsets = new LongArrayList();
        final IndexFile[] current = files;
        for (int i = current.length - 1; i >= 0 && offsets.size() < max; i--)
        {
            final IndexFile file = current[i];
            if (file.entryCount() == 0 || file.endTimestampMs() < beginMs || file.beginTimestampMs() > endMs)
            {
                continue;
            }
            if (file.region().tryRetain())
            {
                try
                {
                    file.query(hash, beginMs, endMs, max - offsets.size(), offsets);
                }
                finally
                {
                    file.region().release();
                }
            }
        }
        final long[] result = offsets.toLongArray();
        Arrays.sort(result);
        return Arrays.stream(result).distinct().toArray();
    }

    /**
     * Finds the log offsets of records whose unique id hashes like {@code uniqueId}; the caller checks each record.
     *
     * @return distinct offsets, ascending.
     */
    public long[] queryUniqueId(final String uniqueId, final int max)
    {
        return query("", uniqueId, Long.MIN_VALUE, Long.MAX_VALUE, max);
    }

    /**
     * Deletes files that only index records below {@code minLogOffset} (never the newest file).
     *
     * @return the number of files deleted.
     */
    public int trimTo(final long minLogOffset)
    {
        int deleted = 0;
        synchronized (this)
        {
            IndexFile[] current = files;
            while (current.length > 1 && current[0].endLogOffset() < minLogOffset)
            {
                current[0].region().releaseAndDelete();
                current = Arrays.copyOfRange(current, 1, current.length);
                deleted++;
            }
            files = current;
        }
        return deleted;
    }

    /**
     * Recovery: deletes a damaged file (to be rebuilt from the log).
     */
    public void discard(final IndexFile file)
    {
        synchronized (this)
        {
            final IndexFile[] current = files;
            final IndexFile[] kept = Arrays.stream(current).filter(f -> f != file).toArray(IndexFile[]::new);
            if (kept.length != current.length)
            {
                LOG.warn("deleting damaged index file: file={}", file.region().path());
                file.region().releaseAndDelete();
                files = kept;
            }
        }
    }

    /**
     * Syncs every file written since the last sync. One flusher at a time.
     */
    public void sync()
    {
        for (final IndexFile file : files)
        {
            if (file.isDirty() && file.region().tryRetain())
            {
                try
                {
                    file.sync();
                }
                finally
                {
                    file.region().release();
                }
            }
        }
    }

    /**
     * Recovery: after a crash, make the newest file count the entries that reached the disk.
     */
    public void recountNewest()
    {
        final IndexFile[] current = files;
        if (current.length > 0)
        {
            current[current.length - 1].recountEntries();
        }
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            for (final IndexFile file : files)
            {
                file.region().release();
            }
            files = NONE;
        }
    }

    private IndexFile newFile(final long baseLogOffset)
    {
        final Path path = directory.resolve(FileNames.name(baseLogOffset));
        final MappedRegion region = MappedRegion.map(path, (int)IndexDescriptor.fileBytes(slotCount, entryCapacity),
            preallocate);
        final IndexFile file = IndexFile.open(baseLogOffset, region, slotCount, entryCapacity);
        if (file == null)
        {
            region.releaseAndDelete();
            throw new IllegalStateException("new index file has a foreign header: file=" + path);
        }
        synchronized (this)
        {
            final IndexFile[] current = files;
            final IndexFile[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = file;
            files = next;
        }
        return file;
    }
}

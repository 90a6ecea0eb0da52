package io.rocklet.broker.timer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The timer's index of pending work, on disk: one append-only file per time bucket of {@code bucketMs}, named by
 * the bucket's start (20 digits, ms since the epoch), holding one fixed-size entry per waiting message:
 *
 * <pre>
 * offset  size  field
 *      0     8  dueMs        when the message is due (ms since the epoch), little endian
 *      8     8  queueOffset  where the message is in the timer topic's queue, little endian
 * </pre>
 *
 * An entry is valid when {@code 0 < dueMs < bucket start + bucketMs} (a file may hold entries due before its bucket:
 * those indexed while it was being delivered). A negative {@code queueOffset} makes the entry a <em>recall
 * marker</em>: the message at queue offset {@code -queueOffset - 1} was recalled and is not delivered
 * ({@link #marker}). A torn tail (less than 16 bytes) or
 * zeros left by a crash are ignored; an entry written twice (indexing redone after a crash) is delivered once,
 * because delivery runs in (dueMs, queueOffset) order and drops what is not after its cursor. A file is deleted
 * once every entry in it is delivered. The heap holds only the bucket files' names and the open channels (at most
 * {@value #MAX_OPEN} at once). Owned by the broker agent thread.
 */
final class TimerBuckets implements AutoCloseable
{
    static final int ENTRY_BYTES = 16;
    private static final Logger LOG = LoggerFactory.getLogger(TimerBuckets.class);
    private static final int MAX_OPEN = 16;
    private static final int READ_BYTES = 64 * 1024;
    private static final int BUFFERED_ENTRIES = 64;

    private final Path directory;
    private final long bucketMs;
    private final TreeSet<Long> buckets = new TreeSet<>();
    private final Map<Long, FileChannel> open = new LinkedHashMap<>(MAX_OPEN * 2, 0.75f, true);
    private final Set<Long> unsynced = new HashSet<>();
    /** Entries appended but not yet written, per bucket. */
    private final Map<Long, ByteBuffer> buffered = new HashMap<>();

    private TimerBuckets(final Path directory, final long bucketMs)
    {
        this.directory = directory;
        this.bucketMs = bucketMs;
    }

    /**
     * Opens the bucket directory (created when missing) and lists its bucket files.
     *
     * @throws StorageException with IO_ERROR when it cannot be read.
     */
    static TimerBuckets open(final Path directory, final long bucketMs)
    {
        final TimerBuckets files = new TimerBuckets(directory, bucketMs);
        try
        {
            Files.createDirectories(directory);
            try (DirectoryStream<Path> names = Files.newDirectoryStream(directory))
            {
                for (final Path name : names)
                {
                    final String text = name.getFileName().toString();
                    if (text.length() == 20 && text.chars().allMatch(Character::isDigit))
                    {
                        files.buckets.add(Long.parseLong(text));
                    }
                }
            }
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot open timer buckets: directory=" + directory, e);
        }
        return files;
    }

    /**
     * @return the start of the bucket holding {@code dueMs}.
     */
    long bucketOf(final long dueMs)
    {
        return dueMs - Math.floorMod(dueMs, bucketMs);
    }

    long bucketMs()
    {
        return bucketMs;
    }

    /**
     * @return the earliest bucket with a file, or -1.
     */
    long first()
    {
        return buckets.isEmpty() ? -1 : buckets.first();
    }

    int count()
    {
        return buckets.size();
    }

    /**
     * Adds an entry to a bucket's file: buffered (per bucket, {@value #BUFFERED_ENTRIES} entries at most) until
     * {@link #flush()}, which the indexer calls after each batch, and which {@link #load}, {@link #sync} and
     * {@link #delete} call first.
     */
    void append(final long bucket, final long dueMs, final long queueOffset)
    {
        ByteBuffer buffer = buffered.get(bucket);
        if (buffer == null)
        {
            buffer = ByteBuffer.allocate(BUFFERED_ENTRIES * ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffered.put(bucket, buffer);
        }
        buffer.putLong(dueMs).putLong(queueOffset);
        buckets.add(bucket);
        if (!buffer.hasRemaining())
        {
            write(bucket, buffer);
        }
    }

    /**
     * Writes the buffered entries to their files.
     */
    void flush()
    {
        if (!buffered.isEmpty())
        {
            for (final Map.Entry<Long, ByteBuffer> entry : buffered.entrySet())
            {
                write(entry.getKey(), entry.getValue());
            }
            buffered.clear();
        }
    }

    private void write(final long bucket, final ByteBuffer buffer)
    {
        buffer.flip();
        final FileChannel channel = channel(bucket);
        try
        {
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot append timer entries: file=" + file(bucket), e);
        }
        buffer.clear();
        unsynced.add(bucket);
    }

    /**
     * @return the queue offset a recall marker entry for the message at {@code queueOffset} carries.
     */
    static long marker(final long queueOffset)
    {
        return -queueOffset - 1;
    }

    /**
     * Pushes every valid entry of a bucket's file into {@code heap}, and adds the queue offsets its recall markers
     * name to {@code recalled}.
     *
     * @return how many entries it pushed.
     */
    int load(final long bucket, final DueHeap heap, final LongHashSet recalled)
    {
        flush();
        final Path file = file(bucket);
        final long endMs = bucket + bucketMs;
        int loaded = 0;
        int skipped = 0;
        final ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (channel.read(buffer) > 0 || buffer.position() > 0)
            {
                buffer.flip();
                if (buffer.remaining() < ENTRY_BYTES)
                {
                    break;
                }
                while (buffer.remaining() >= ENTRY_BYTES)
                {
                    final long dueMs = buffer.getLong();
                    final long queueOffset = buffer.getLong();
                    if (dueMs > 0 && dueMs < endMs && queueOffset >= 0)
                    {
                        heap.push(dueMs, queueOffset);
                        loaded++;
                    }
                    else if (dueMs > 0 && dueMs < endMs)
                    {
                        recalled.add(marker(queueOffset));
                    }
                    else
                    {
                        skipped++;
                    }
                }
                buffer.compact();
            }
        }
        catch (final java.nio.file.NoSuchFileException e)
        {
            return 0;
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot read timer bucket: file=" + file, e);
        }
        if (skipped > 0)
        {
            LOG.warn("timer bucket had invalid entries, skipped: file={}, skipped={}, loaded={}", file, skipped,
                loaded);
        }
        return loaded;
    }

    /**
     * Deletes a bucket whose entries are all delivered.
     */
    void delete(final long bucket)
    {
        flush();
        close(bucket);
        unsynced.remove(bucket);
        buckets.remove(bucket);
        try
        {
            Files.deleteIfExists(file(bucket));
        }
        catch (final IOException e)
        {
            LOG.warn("cannot delete delivered timer bucket, it is read again at start: file={}, error={}",
                file(bucket), e.toString());
        }
    }

    /**
     * Syncs every file appended to since the last sync.
     */
    void sync()
    {
        flush();
        for (final Long bucket : unsynced)
        {
            final FileChannel channel = open.get(bucket);
            try
            {
                if (channel != null)
                {
                    channel.force(false);
                }
                else if (Files.exists(file(bucket)))
                {
                    try (FileChannel reopened = FileChannel.open(file(bucket), StandardOpenOption.WRITE))
                    {
                        reopened.force(false);
                    }
                }
            }
            catch (final IOException e)
            {
                throw new StorageException(ErrorCode.IO_ERROR, "cannot sync timer bucket: file=" + file(bucket), e);
            }
        }
        unsynced.clear();
    }

    @Override
    public void close()
    {
        flush();
        for (final Long bucket : Set.copyOf(open.keySet()))
        {
            close(bucket);
        }
    }

    private FileChannel channel(final long bucket)
    {
        FileChannel channel = open.get(bucket);
        if (channel == null)
        {
            if (open.size() >= MAX_OPEN)
            {
                final Iterator<Long> eldest = open.keySet().iterator();
                close(eldest.next()); // sync() reopens it when it was appended to

            }
            try
            {
                channel = FileChannel.open(file(bucket), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            }
            catch (final IOException e)
            {
                throw new StorageException(ErrorCode.IO_ERROR, "cannot open timer bucket: file=" + file(bucket), e);
            }
            open.put(bucket, channel);
        }
        return channel;
    }

    private void close(final long bucket)
    {
        final FileChannel channel = open.remove(bucket);
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException e)
            {
                LOG.warn("cannot close timer bucket: file={}, error={}", file(bucket), e.toString());
            }
        }
    }

    private Path file(final long bucket)
    {
        return directory.resolve(String.format("%020d", bucket));
    }
}

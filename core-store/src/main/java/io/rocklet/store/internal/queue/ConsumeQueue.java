package io.rocklet.store.internal.queue;

import io.rocklet.store.internal.file.FileNames;
import io.rocklet.store.internal.file.MappedRegion;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Arrays;

import static io.rocklet.store.internal.queue.ConsumeQueueDescriptor.*;

/**
 * The consume queue of one (topic, queue): where each message of the queue sits in the commit log,
 * as fixed-size entries ({@link ConsumeQueueDescriptor}) in files of {@code entriesPerFile} entries
 * named by their first queue offset.
 *
 * <p>Threads: the dispatcher (or recovery, before it starts) is the only writer; {@link #maxOffset()}
 * is published after each entry is written, so any thread may read entries below it. Retention
 * removes old files and raises {@link #minOffset()}; the flusher syncs.
 */
public final class ConsumeQueue
{
    private static final VarHandle MAX_OFFSET;
    private static final MappedRegion[] NO_FILES = new MappedRegion[0];

    static
    {
        try
        {
            MAX_OFFSET = MethodHandles.lookup().findVarHandle(ConsumeQueue.class, "maxOffset", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Path directory;
    private final int entriesPerFile;
    private final int fileBytes;
    private final boolean preallocate;
    private volatile Files files = new Files(0, NO_FILES);
    private volatile long minOffset;
    private volatile long maxOffset;
    private long syncedOffset;

    /** The files and the queue offset of the first entry of the first file, published together. */
    private record Files(long firstOffset, MappedRegion[] regions)
    {
    }

    public ConsumeQueue(final Path directory, final int entriesPerFile, final boolean preallocate)
    {
        this.directory = directory;
        this.entriesPerFile = entriesPerFile;
        this.fileBytes = entriesPerFile * ENTRY_LENGTH;
        this.preallocate = preallocate;
    }

    public Path directory()
    {
        return directory;
    }

    public int entriesPerFile()
    {
        return entriesPerFile;
    }

    /**
     * @return the first readable queue offset.
     */
    public long minOffset()
    {
        return minOffset;
    }

    /**
     * @return one past the last written queue offset.
     */
    public long maxOffset()
    {
        return maxOffset;
    }

    /**
     * Appends the entry for {@code queueOffset}, which must be {@link #maxOffset()}. Writer thread only.
     */
    public void append(final long queueOffset, final long logOffset, final int size, final long tagCode)
    {
        if (queueOffset != maxOffset)
        {
            throw new IllegalStateException("consume queue out of order: dir=" + directory + ", expectedOffset=" +
                maxOffset + ", queueOffset=" + queueOffset + ", logOffset=" + logOffset);
        }
        final UnsafeBuffer buffer = fileForWrite(queueOffset).buffer();
        final int index = entryIndex(queueOffset);
        buffer.putLong(index + LOG_OFFSET_OFFSET, logOffset);
        buffer.putInt(index + SIZE_OFFSET, size);
        buffer.putLong(index + TAG_CODE_OFFSET, tagCode);
        MAX_OFFSET.setRelease(this, queueOffset + 1);
    }

    /**
     * @return the byte index of {@code queueOffset}'s entry within its file.
     */
    public int entryIndex(final long queueOffset)
    {
        return (int)(queueOffset % entriesPerFile) * ENTRY_LENGTH;
    }

    /**
     * @return the queue offset after the last entry of the file holding {@code queueOffset}.
     */
    public long fileEnd(final long queueOffset)
    {
        return (queueOffset / entriesPerFile + 1) * entriesPerFile;
    }

    /**
     * Takes a reference on the file holding {@code queueOffset}; release it when done.
     *
     * @return the file, or null when it is not (or no longer) there.
     */
    public MappedRegion retainFile(final long queueOffset)
    {
        final Files current = files;
        if (current.regions.length == 0 || queueOffset < current.firstOffset)
        {
            return null;
        }
        final long index = (queueOffset - current.firstOffset) / entriesPerFile;
        if (index >= current.regions.length)
        {
            return null;
        }
        final MappedRegion region = current.regions[(int)index];
        return region.tryRetain() ? region : null;
    }

    /**
     * Recovery's check of an entry against its record in the log.
     *
     * @return true when the entry for {@code queueOffset} exists and says exactly this.
     */
    public boolean entryEquals(final long queueOffset, final long logOffset, final int size, final long tagCode)
    {
        if (queueOffset >= maxOffset)
        {
            return false;
        }
        final MappedRegion file = retainFile(queueOffset);
        if (file == null)
        {
            return false;
        }
        try
        {
            final UnsafeBuffer buffer = file.buffer();
            final int index = entryIndex(queueOffset);
            return buffer.getLong(index + LOG_OFFSET_OFFSET) == logOffset && buffer.getInt(index + SIZE_OFFSET) == size &&
                buffer.getLong(index + TAG_CODE_OFFSET) == tagCode;
        }
        finally
        {
            file.release();
        }
    }

    /**
     * Syncs entries written since the last call to disk. One flusher at a time.
     */
    public void sync()
    {
        final long target = maxOffset;
        if (target == syncedOffset)
        {
            return;
        }
        for (long offset = Math.max(syncedOffset, files.firstOffset); offset < target; offset = fileEnd(offset))
        {
            final MappedRegion region = retainFile(offset);
            if (region != null)
            {
                try
                {
                    final long end = Math.min(target, fileEnd(offset));
                    region.sync((long)entryIndex(end - 1) + ENTRY_LENGTH);
                }
                finally
                {
                    region.release();
                }
            }
        }
        syncedOffset = target;
    }

    /**
     * Drops files wholly below {@code newMinOffset} (never the last file) and raises the minimum.
     * Retention calls this after deleting log segments.
     *
     * @return the number of files deleted.
     */
    public int trimTo(final long newMinOffset)
    {
        int deleted = 0;
        synchronized (this)
        {
            Files current = files;
            while (current.regions.length > 1 && current.firstOffset + entriesPerFile <= newMinOffset)
            {
                current.regions[0].releaseAndDelete();
                current = new Files(current.firstOffset + entriesPerFile,
                    Arrays.copyOfRange(current.regions, 1, current.regions.length));
                deleted++;
            }
            files = current;
        }
        if (newMinOffset > minOffset)
        {
            minOffset = Math.min(newMinOffset, maxOffset);
        }
        return deleted;
    }

    /**
     * Sets the state found on disk (recovery only).
     */
    public void restore(final long firstFileOffset, final MappedRegion[] regions, final long min, final long max)
    {
        files = new Files(firstFileOffset, regions);
        minOffset = min;
        MAX_OFFSET.setRelease(this, max);
        syncedOffset = max;
    }

    /**
     * Deletes every file (recovery, before a rebuild). The queue restarts empty at {@code startOffset}.
     */
    public void reset(final long startOffset)
    {
        synchronized (this)
        {
            for (final MappedRegion region : files.regions)
            {
                region.releaseAndDelete();
            }
            files = new Files(startOffset - startOffset % entriesPerFile, NO_FILES);
        }
        minOffset = startOffset;
        MAX_OFFSET.setRelease(this, startOffset);
        syncedOffset = startOffset;
    }

    /**
     * Restarts this empty queue at {@code startOffset} for a log that begins later than the queue did (a seeded
     * replica): the entries of its first file before that offset are marked as holes below the log (log offset -1),
     * so that the file's entries stay a prefix and recovery finds where the queue starts. Writer thread only.
     */
    public void startAt(final long startOffset)
    {
        reset(startOffset);
        final long fileStart = startOffset - startOffset % entriesPerFile;
        if (fileStart < startOffset)
        {
            final UnsafeBuffer buffer = fileForWrite(startOffset).buffer();
            for (long offset = fileStart; offset < startOffset; offset++)
            {
                final int index = entryIndex(offset);
                buffer.putLong(index + LOG_OFFSET_OFFSET, -1L);
                buffer.putInt(index + SIZE_OFFSET, ConsumeQueueDescriptor.HOLE_SIZE);
                buffer.putLong(index + TAG_CODE_OFFSET, 0L);
            }
        }
    }

    public void close()
    {
        synchronized (this)
        {
            for (final MappedRegion region : files.regions)
            {
                region.release();
            }
            files = new Files(files.firstOffset, NO_FILES);
        }
    }

    /**
     * @return the path of the file that holds {@code queueOffset}.
     */
    public Path filePath(final long queueOffset)
    {
        return directory.resolve(FileNames.name(queueOffset - queueOffset % entriesPerFile));
    }

    public int fileBytes()
    {
        return fileBytes;
    }

    private MappedRegion fileForWrite(final long queueOffset)
    {
        final Files current = files;
        final long first = queueOffset - queueOffset % entriesPerFile;
        final MappedRegion[] regions = current.regions;
        if (regions.length > 0 && current.firstOffset + (long)(regions.length - 1) * entriesPerFile == first)
        {
            return regions[regions.length - 1];
        }
        FileNames.createDirectories(directory);
        final MappedRegion region = MappedRegion.map(filePath(queueOffset), fileBytes, preallocate);
        synchronized (this)
        {
            final Files latest = files;
            final MappedRegion[] next = Arrays.copyOf(latest.regions, latest.regions.length + 1);
            next[latest.regions.length] = region;
            files = new Files(latest.regions.length == 0 ? first : latest.firstOffset, next);
        }
        return region;
    }
}

package io.rocklet.store.internal.log;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.internal.file.DirectorySync;
import io.rocklet.store.internal.file.FileNames;
import io.rocklet.store.internal.file.MappedRegion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The segments of the commit log: one append-only log for all topics and queues, cut into
 * contiguous fixed-size files named by their first log offset. This class owns the set of segments
 * (create, find, delete, truncate, flush); {@code StoreWriter} places records in them.
 *
 * <p>Threads: the segment array is copy-on-write and may be read by any thread; segments are added
 * by the append-lock holder or the housekeeper (which prepares the next one ahead of time), removed
 * by retention, and flushed by one flusher at a time.
 */
public final class CommitLog implements AutoCloseable
{
    public static final String DIRECTORY = "commitlog";
    private static final Logger LOG = LoggerFactory.getLogger(CommitLog.class);
    private static final LogSegment[] NONE = new LogSegment[0];

    private final Path directory;
    private final int segmentSize;
    private final boolean preallocate;
    private final boolean syncDirectory;
    private final Object createLock = new Object();
    private volatile LogSegment[] segments = NONE;
    private LogSegment spare;
    private long populatedPosition;

    public CommitLog(final Path storeDirectory, final int segmentSize, final boolean preallocate)
    {
        this(storeDirectory, segmentSize, preallocate, false);
    }

    /**
     * @param syncDirectory fsync the directory after creating a segment, so that the new file survives a
     *                      power loss (the data in it is synced by the flusher).
     */
    public CommitLog(final Path storeDirectory, final int segmentSize, final boolean preallocate,
        final boolean syncDirectory)
    {
        this.directory = storeDirectory.resolve(DIRECTORY);
        this.segmentSize = segmentSize;
        this.preallocate = preallocate;
        this.syncDirectory = syncDirectory;
        final boolean created = !Files.isDirectory(directory);
        FileNames.createDirectories(directory);
        if (created && syncDirectory)
        {
            try
            {
                DirectorySync.sync(storeDirectory);
            }
            catch (final IOException e)
            {
                throw new StorageException(ErrorCode.IO_ERROR, "cannot sync the store directory: dir=" + storeDirectory,
                    e);
            }
        }
    }

    /**
     * Maps the existing segments. They must be contiguous: a missing segment in the middle would
     * silently lose messages, so it is refused.
     */
    public void load()
    {
        final long[] bases = FileNames.list(directory);
        final LogSegment[] loaded = new LogSegment[bases.length];
        for (int i = 0; i < bases.length; i++)
        {
            if (bases[i] % segmentSize != 0 || (i > 0 && bases[i] != bases[i - 1] + segmentSize))
            {
                for (int j = 0; j < i; j++)
                {
                    loaded[j].region().release();
                }
                throw new StorageException(ErrorCode.IO_ERROR, "commit log segments are not contiguous: dir=" +
                    directory + ", segment=" + FileNames.name(bases[i]) + ", expectedBase=" +
                    (i == 0 ? "a multiple of " + segmentSize : bases[i - 1] + segmentSize));
            }
            loaded[i] = map(bases[i]);
        }
        segments = loaded;
    }

    public Path directory()
    {
        return directory;
    }

    public int segmentSize()
    {
        return segmentSize;
    }

    public LogSegment[] segments()
    {
        return segments;
    }

    /**
     * @return the segment holding {@code logOffset}, or null when no segment does.
     */
    public LogSegment segmentFor(final long logOffset)
    {
        final LogSegment[] current = segments;
        if (current.length == 0 || logOffset < current[0].baseOffset())
        {
            return null;
        }
        final long index = (logOffset - current[0].baseOffset()) / segmentSize;
        return index < current.length ? current[(int)index] : null;
    }

    /**
     * @return the first offset still on disk (the first segment's base), or 0 with no segments.
     */
    public long minOffset()
    {
        final LogSegment[] current = segments;
        return current.length == 0 ? 0L : current[0].baseOffset();
    }

    public LogSegment lastSegment()
    {
        final LogSegment[] current = segments;
        return current.length == 0 ? null : current[current.length - 1];
    }

    /**
     * Adds the segment starting at {@code baseOffset}, taking the prepared spare when it matches.
     */
    public LogSegment addSegment(final long baseOffset)
    {
        synchronized (createLock)
        {
            final LogSegment last = lastSegment();
            if (last != null && baseOffset != last.endOffset())
            {
                throw new IllegalStateException("segment out of order: base=" + baseOffset + ", expected=" +
                    last.endOffset());
            }
            final LogSegment segment;
            if (spare != null && spare.baseOffset() == baseOffset)
            {
                segment = spare;
                spare = null;
            }
            else
            {
                segment = map(baseOffset);
            }
            final LogSegment[] current = segments;
            final LogSegment[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = segment;
            segments = next;
            return segment;
        }
    }

    /**
     * Maps the segment after the last one ahead of time, so that rolling does not wait for file
     * creation. Called by the housekeeper.
     *
     * @return true when a segment was prepared.
     */
    public boolean prepareNextSegment()
    {
        synchronized (createLock)
        {
            final LogSegment last = lastSegment();
            if (spare != null || last == null)
            {
                return false;
            }
            spare = map(last.endOffset());
            return true;
        }
    }

    /**
     * Faults in the next {@code chunkBytes} of pages ahead of the writer, up to {@code aheadBytes}
     * beyond {@code writePosition}, in the active segment or the prepared spare. Called by the
     * housekeeper; moves page allocation and zeroing off the append path.
     *
     * @return true when pages were populated.
     */
    public boolean populateAhead(final long writePosition, final long aheadBytes, final int chunkBytes)
    {
        if (populatedPosition < writePosition)
        {
            // the writer overtook us: it faults in the next chunk itself while we work further ahead, so that
            // the two never fault the same pages
            populatedPosition = writePosition + chunkBytes;
        }
        if (populatedPosition - writePosition >= aheadBytes)
        {
            return false;
        }
        synchronized (createLock)
        {
            LogSegment segment = segmentFor(populatedPosition);
            if (segment == null && spare != null && spare.baseOffset() == populatedPosition)
            {
                segment = spare;
            }
            if (segment == null)
            {
                return false;
            }
            final long from = populatedPosition - segment.baseOffset();
            final long to = Math.min(segment.size(), from + chunkBytes);
            if (!segment.region().populate(from, to))
            {
                return false;
            }
            populatedPosition = segment.baseOffset() + to;
            return true;
        }
    }

    /**
     * Removes the oldest segment; its file is deleted once no reader holds it.
     *
     * @return the removed segment, or null when only the active segment is left.
     */
    public LogSegment deleteOldestSegment()
    {
        synchronized (createLock)
        {
            final LogSegment[] current = segments;
            if (current.length <= 1)
            {
                return null;
            }
            segments = Arrays.copyOfRange(current, 1, current.length);
            current[0].region().releaseAndDelete();
            return current[0];
        }
    }

    /**
     * Cuts the log at {@code position}: bytes from there to the end of its segment become zeros and
     * later segments are deleted. Recovery uses this to drop a torn or corrupt tail; no other thread
     * may use the log meanwhile.
     *
     * @return the number of bytes removed from later segments (the zeroed range is not counted).
     */
    public long truncate(final long position)
    {
        synchronized (createLock)
        {
            discardSpare();
            final LogSegment[] current = segments;
            long deleted = 0;
            int keep = current.length;
            for (int i = current.length - 1; i >= 0; i--)
            {
                if (current[i].baseOffset() >= position && i > 0)
                {
                    deleted += current[i].size();
                    current[i].region().releaseAndDelete();
                    keep = i;
                }
            }
            final LogSegment[] kept = Arrays.copyOf(current, keep);
            final LogSegment last = kept.length == 0 ? null : kept[kept.length - 1];
            if (last != null && position < last.endOffset())
            {
                kept[kept.length - 1] = cutSegment(last, (int)(Math.max(position, last.baseOffset()) - last.baseOffset()));
            }
            segments = kept;
            return deleted;
        }
    }

    private LogSegment cutSegment(final LogSegment segment, final int keepBytes)
    {
        final Path path = segment.region().path();
        segment.region().release();
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
        {
            // shrinking and re-growing zeroes the tail without touching every page of it
            raf.setLength(keepBytes);
            raf.setLength(segmentSize);
            raf.getFD().sync();
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot truncate segment: file=" + path + ", keepBytes=" +
                keepBytes, e);
        }
        return map(segment.baseOffset());
    }

    /**
     * Writes every dirty page below {@code position} to disk. One caller at a time.
     *
     * @param from     a position known to be durable already (where to start looking).
     * @param position exclusive end.
     */
    public void sync(final long from, final long position)
    {
        final LogSegment[] current = segments;
        for (final LogSegment segment : current)
        {
            if (segment.endOffset() <= from || segment.baseOffset() >= position)
            {
                continue;
            }
            segment.region().sync(Math.min(position, segment.endOffset()) - segment.baseOffset());
        }
    }

    @Override
    public void close()
    {
        synchronized (createLock)
        {
            discardSpare();
            for (final LogSegment segment : segments)
            {
                segment.region().release();
            }
            segments = NONE;
        }
    }

    private void discardSpare()
    {
        if (spare != null)
        {
            // an unused spare holds no data: drop its file so that it does not look like a segment
            spare.region().releaseAndDelete();
            spare = null;
        }
    }

    private LogSegment map(final long baseOffset)
    {
        final Path file = directory.resolve(FileNames.name(baseOffset));
        final boolean created = syncDirectory && !Files.exists(file);
        final MappedRegion region = MappedRegion.map(file, segmentSize, preallocate);
        if (created)
        {
            try
            {
                DirectorySync.sync(directory);
            }
            catch (final IOException e)
            {
                region.releaseAndDelete();
                throw new StorageException(ErrorCode.IO_ERROR, "cannot sync the commit-log directory: dir=" + directory,
                    e);
            }
        }
        LOG.debug("mapped segment: base={}, file={}", baseOffset, region.path());
        return new LogSegment(baseOffset, region);
    }
}

package io.rocklet.store.internal.recovery;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * Cuts the commit log of a closed store at a record boundary, for a replica whose tail diverged from its new master:
 * the bytes after the cut are copied to the quarantine directory ({@link Quarantine}) first, then the log is cut
 * ({@link CommitLog#truncate}). The caller then drops the checkpoint so that the next open's recovery rolls the consume
 * queues and the key index back to the log (the same code that recovers after a crash). Runs with the directory locked
 * and no store open on it.
 */
public final class LogTruncation
{
    private static final Logger LOG = LoggerFactory.getLogger(LogTruncation.class);

    private LogTruncation()
    {
    }

    /**
     * @param logEnd where the intact records end (the recovered write position).
     * @return the quarantine file holding the cut bytes, or null when nothing was cut.
     * @throws InvalidArgumentException when {@code offset} is outside [min, end] or not a record boundary.
     */
    public static Path truncate(final Path storeDirectory, final CommitLog log, final long offset, final long logEnd,
        final boolean fsync)
    {
        checkBoundary(log, offset, logEnd);
        if (offset == logEnd)
        {
            return null;
        }
        final Path quarantined = new Quarantine(storeDirectory, fsync).copy(log, offset, logEnd);
        log.truncate(offset);
        LOG.warn("commit log truncated: offset={}, logEnd={}, bytes={}, quarantine={}", offset, logEnd,
            logEnd - offset, quarantined);
        return quarantined;
    }

    /**
     * @throws InvalidArgumentException unless a record, filler or gap starts at {@code offset} (or it is the end).
     */
    public static void checkBoundary(final CommitLog log, final long offset, final long logEnd)
    {
        if (offset < log.minOffset() || offset > logEnd)
        {
            throw new InvalidArgumentException("cannot truncate the log outside its range: offset=" + offset +
                ", minOffset=" + log.minOffset() + ", logEnd=" + logEnd);
        }
        final LogSegment segment = log.segmentFor(offset);
        if (segment == null || offset == logEnd || offset == segment.baseOffset())
        {
            return;
        }
        final UnsafeBuffer buffer = segment.buffer();
        final int target = (int)(offset - segment.baseOffset());
        int index = 0;
        while (index < target)
        {
            final int length = buffer.getInt(index + LENGTH_OFFSET);
            if (length < MIN_FILLER_LENGTH)
            {
                break;
            }
            index += length;
        }
        if (index != target)
        {
            throw new InvalidArgumentException("cannot truncate the log inside a record: offset=" + offset +
                ", nearestBoundary=" + (segment.baseOffset() + index));
        }
    }
}

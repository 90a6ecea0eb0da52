package io.rocklet.store.internal.replica;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.store.LogChunk;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import org.agrona.concurrent.UnsafeBuffer;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * Reads raw commit-log bytes for a replica: whole records as stored, from a record boundary, up to the committed end,
 * never across a segment (a chunk ends with the segment's filler, or a quarantined gap, when it reaches one). Any
 * thread: bytes below the committed position no longer change.
 */
public final class LogChunkReader
{
    private static final byte[] NO_BYTES = new byte[0];

    private LogChunkReader()
    {
    }

    /**
     * @param from          a record boundary (a position some earlier chunk or append ended at).
     * @param maxBytes      at most this many bytes, but always at least one whole record when one is there.
     * @param committedEnd  the end of the last complete record.
     * @throws InvalidArgumentException when {@code from} is beyond the log's end or not a record boundary.
     * @throws RockletException         with {@link ErrorCode#MESSAGE_NOT_FOUND} when retention deleted {@code from}.
     */
    public static LogChunk read(final CommitLog log, final long from, final int maxBytes, final long committedEnd)
    {
        if (from > committedEnd || maxBytes < 0)
        {
            throw new InvalidArgumentException("cannot read the log beyond its end: fromOffset=" + from + ", logEnd=" +
                committedEnd + ", maxBytes=" + maxBytes);
        }
        if (from == committedEnd || maxBytes == 0)
        {
            return new LogChunk(from, from, NO_BYTES);
        }
        final LogSegment segment = log.segmentFor(from);
        if (segment == null)
        {
            throw new RockletException(ErrorCode.MESSAGE_NOT_FOUND, "log offset no longer in the store (retention): " +
                "fromOffset=" + from + ", minOffset=" + log.minOffset());
        }
        final UnsafeBuffer buffer = segment.buffer();
        final int start = (int)(from - segment.baseOffset());
        final int usable = segment.usableBytes();
        final int limit = (int)Math.min(usable, committedEnd - segment.baseOffset());
        int index = start;
        long next = from;
        while (index < limit)
        {
            final int length = buffer.getInt(index + LENGTH_OFFSET);
            final int magic = buffer.getInt(index + MAGIC_OFFSET);
            final boolean endsSegment = (magic == FILLER_MAGIC || magic == GAP_MAGIC) && index + length == usable;
            if (!isEntry(magic, length, index, usable) ||
                (magic == RECORD_MAGIC && buffer.getLong(index + LOG_OFFSET_OFFSET) != segment.baseOffset() + index))
            {
                throw new InvalidArgumentException("not a record boundary in the log: fromOffset=" + from +
                    ", offset=" + (segment.baseOffset() + index) + ", magic=" + Integer.toHexString(magic));
            }
            if (index > start && index + length - start > maxBytes)
            {
                break;
            }
            index += length;
            next = endsSegment ? segment.endOffset() : segment.baseOffset() + index;
            if (endsSegment || index - start >= maxBytes)
            {
                break;
            }
        }
        final byte[] bytes = new byte[index - start];
        buffer.getBytes(start, bytes);
        return new LogChunk(from, next, bytes);
    }

    private static boolean isEntry(final int magic, final int length, final int index, final int usable)
    {
        final int min = magic == RECORD_MAGIC ? HEADER_LENGTH : MIN_FILLER_LENGTH;
        return (magic == RECORD_MAGIC || magic == FILLER_MAGIC || magic == GAP_MAGIC) && length >= min &&
            index + (long)length <= usable;
    }
}

package io.rocklet.store.internal.log;

import io.rocklet.store.internal.file.MappedRegion;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * One commit-log segment: a mapped file of fixed size named by the log offset of its first byte.
 * Records fill it from the start; a filler pads the unused end; a trailer records when the last
 * record was stored. Written only by the thread holding the append lock.
 */
public final class LogSegment
{
    private final long baseOffset;
    private final MappedRegion region;
    private ByteBuffer writerCrcView;

    public LogSegment(final long baseOffset, final MappedRegion region)
    {
        this.baseOffset = baseOffset;
        this.region = region;
    }

    public long baseOffset()
    {
        return baseOffset;
    }

    /**
     * @return the log offset one past the segment (the next segment's base).
     */
    public long endOffset()
    {
        return baseOffset + region.size();
    }

    public int size()
    {
        return region.size();
    }

    /**
     * @return the bytes records and fillers may use (all but the trailer).
     */
    public int usableBytes()
    {
        return region.size() - SEGMENT_TRAILER_LENGTH;
    }

    public UnsafeBuffer buffer()
    {
        return region.buffer();
    }

    public MappedRegion region()
    {
        return region;
    }

    /**
     * @return a {@link ByteBuffer} view for the writer's CRC; only the append-lock holder may use it.
     */
    public ByteBuffer writerCrcView()
    {
        if (writerCrcView == null)
        {
            writerCrcView = region.newAlias();
        }
        return writerCrcView;
    }

    public boolean contains(final long logOffset)
    {
        return logOffset >= baseOffset && logOffset < endOffset();
    }

    /**
     * Writes the trailer: the store time of the segment's last record.
     */
    public void seal(final long lastStoreTimestampMs)
    {
        final UnsafeBuffer buffer = region.buffer();
        final int trailer = region.size() - SEGMENT_TRAILER_LENGTH;
        buffer.putLong(trailer + TRAILER_TIMESTAMP_OFFSET, lastStoreTimestampMs);
        buffer.putInt(trailer + TRAILER_MAGIC_OFFSET, SEAL_MAGIC);
    }

    /**
     * @return the store time of the last record when the segment is sealed, else -1.
     */
    public long sealedTimestampMs()
    {
        final UnsafeBuffer buffer = region.buffer();
        final int trailer = region.size() - SEGMENT_TRAILER_LENGTH;
        return buffer.getInt(trailer + TRAILER_MAGIC_OFFSET) == SEAL_MAGIC ?
            buffer.getLong(trailer + TRAILER_TIMESTAMP_OFFSET) : -1L;
    }

    @Override
    public String toString()
    {
        return "LogSegment{base=" + baseOffset + ", file=" + region.path() + '}';
    }
}

package io.rocklet.store.internal.recovery;

import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.log.RecordChecks;
import io.rocklet.store.internal.log.RecordView;
import org.agrona.concurrent.UnsafeBuffer;


import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * Walks the commit log record by record, verifying each (magic, length, CRC32C, the log offset it
 * claims), stepping over fillers and quarantined gaps, and stopping at the first record that fails or
 * at clean zeros. Also finds where intact records resume after damage ({@link #resync}). Recovery only.
 */
final class LogScanner
{
    /** Receives each intact record; the view is valid only during the call. */
    @FunctionalInterface
    interface RecordHandler
    {
        void onRecord(RecordView record, long logOffset);
    }

    /**
     * @param endPosition where the intact records end.
     * @param records     how many intact records were passed to the handler.
     * @param problem     why the walk stopped early, or {@code ""} at clean zeros or the requested end.
     * @param gaps        quarantined gaps (from an earlier recovery) stepped over.
     */
    record Outcome(long endPosition, long records, String problem, int gaps)
    {
        boolean atZeros()
        {
            return problem.isEmpty();
        }
    }

    private final RecordChecks checks = new RecordChecks(true);
    private final RecordView view = new RecordView();
    private final boolean verifyCrc;

    /** A scanner that verifies each record's CRC32C. */
    LogScanner()
    {
        this(true);
    }

    /**
     * @param verifyCrc false for a range {@link LogRepair} has just verified: the scan then checks headers only.
     */
    LogScanner(final boolean verifyCrc)
    {
        this.verifyCrc = verifyCrc;
    }

    Outcome scan(final CommitLog log, final long from, final long to, final RecordHandler handler)
    {
        final LogSegment[] segments = log.segments();
        final ScanProgress progress = ScanProgress.logging(verifyCrc ? "verify" : "rebuild", from,
            Math.min(to, segments.length == 0 ? from : segments[segments.length - 1].endOffset()));
        long position = from;
        long records = 0;
        int gaps = 0;
        while (position < to)
        {
            final LogSegment segment = log.segmentFor(position);
            if (segment == null)
            {
                return new Outcome(position, records, "", gaps);
            }
            final UnsafeBuffer buffer = segment.buffer();
            final int index = (int)(position - segment.baseOffset());
            final int usable = segment.usableBytes();
            if (index + MIN_FILLER_LENGTH > usable)
            {
                return new Outcome(position, records, "no room for a record at offset " + position, gaps);
            }
            final int length = buffer.getInt(index + LENGTH_OFFSET);
            final int magic = buffer.getInt(index + MAGIC_OFFSET);
            if (magic == FILLER_MAGIC)
            {
                if (index + length != usable)
                {
                    return new Outcome(position, records, "filler of wrong length at offset " + position, gaps);
                }
                position = segment.endOffset();
                continue;
            }
            if (magic == GAP_MAGIC && isGap(segment, index, length))
            {
                gaps++;
                // a gap reaching the trailer ends the segment, as a filler does
                position = index + length == usable ? segment.endOffset() : position + length;
                continue;
            }
            if (length == 0 && magic == 0)
            {
                return new Outcome(position, records, "", gaps);
            }
            final String problem = check(segment, index, length, magic, position);
            if (problem != null)
            {
                return new Outcome(position, records, problem, gaps);
            }
            handler.onRecord(view, position);
            records++;
            position += length;
            progress.onPosition(position);
        }
        return new Outcome(position, records, "", gaps);
    }

    /**
     * Finds the first position after {@code from} where the log can be read again: an intact record that
     * sits at the offset it claims, a filler that ends its segment, a quarantined gap, or the start of a
     * later segment whose first record is intact. Runs of zeros are skipped eight bytes at a time (a record
     * header's magic has no zero byte).
     *
     * @param limit stop looking here (exclusive).
     * @return the position, or -1 when there is none before {@code limit}.
     */
    long resync(final CommitLog log, final long from, final long limit)
    {
        long position = from + 1;
        while (position < limit)
        {
            final LogSegment segment = log.segmentFor(position);
            if (segment == null)
            {
                return -1;
            }
            final UnsafeBuffer buffer = segment.buffer();
            final int usable = segment.usableBytes();
            final int end = (int)Math.min(usable, limit - segment.baseOffset());
            for (int i = (int)(position - segment.baseOffset()); i + MIN_FILLER_LENGTH <= end; i++)
            {
                if ((i & 7) == 0 && i + 16 <= end && buffer.getLong(i) == 0 && buffer.getLong(i + 8) == 0)
                {
                    i += 7;
                    continue;
                }
                if (isSyncPoint(segment, i))
                {
                    return segment.baseOffset() + i;
                }
            }
            position = segment.endOffset();
        }
        return -1;
    }

    /**
     * @return true when an intact record, a filler ending the segment or a gap starts at {@code index}.
     */
    boolean isSyncPoint(final LogSegment segment, final int index)
    {
        final UnsafeBuffer buffer = segment.buffer();
        if (index + MIN_FILLER_LENGTH > segment.usableBytes())
        {
            return false;
        }
        final int length = buffer.getInt(index + LENGTH_OFFSET);
        final int magic = buffer.getInt(index + MAGIC_OFFSET);
        return switch (magic)
        {
            case FILLER_MAGIC -> index + length == segment.usableBytes();
            case GAP_MAGIC -> isGap(segment, index, length);
            case RECORD_MAGIC -> index + HEADER_LENGTH <= segment.usableBytes() &&
                buffer.getLong(index + LOG_OFFSET_OFFSET) == segment.baseOffset() + index &&
                check(segment, index, length, magic, segment.baseOffset() + index) == null;
            default -> false;
        };
    }

    private static boolean isGap(final LogSegment segment, final int index, final int length)
    {
        return length >= MIN_FILLER_LENGTH && index + (long)length <= segment.usableBytes();
    }

    /**
     * @return why the record at {@code index} of {@code segment} is not intact, or null when it is
     *     (the scanner's view then shows it).
     */
    String check(final LogSegment segment, final int index, final int length, final int magic,
        final long position)
    {
        if (magic != RECORD_MAGIC)
        {
            return "bad magic at offset " + position;
        }
        if (length < HEADER_LENGTH || index + (long)length > segment.usableBytes())
        {
            return "bad record length " + length + " at offset " + position;
        }
        if (verifyCrc && !checks.crcMatches(segment, index, length))
        {
            return "CRC mismatch at offset " + position;
        }
        view.wrap(segment.buffer(), index);
        if (!view.isWellFormed() || view.logOffset() != position)
        {
            return "inconsistent record header at offset " + position;
        }
        return null;
    }

    /**
     * Measures what lies after {@code position} (the end of the intact records) up to the end of the
     * log: record-like headers that can be walked, and non-zero bytes within a window after each
     * starting point (whole segments are not read, to keep recovery fast).
     *
     * @return {records, bytes}.
     */
    static long[] measureTail(final CommitLog log, final long position, final int windowBytes)
    {
        long records = 0;
        long bytes = 0;
        for (final LogSegment segment : log.segments())
        {
            if (segment.endOffset() <= position)
            {
                continue;
            }
            final UnsafeBuffer buffer = segment.buffer();
            final int usable = segment.usableBytes();
            final int start = (int)Math.max(0, position - segment.baseOffset());
            int walked = start;
            while (walked + HEADER_LENGTH <= usable)
            {
                final int length = buffer.getInt(walked + LENGTH_OFFSET);
                final int magic = buffer.getInt(walked + MAGIC_OFFSET);
                if (magic != RECORD_MAGIC || length < HEADER_LENGTH || walked + length > usable)
                {
                    break;
                }
                records++;
                walked += length;
            }
            int lastNonZero = walked;
            final int windowEnd = Math.min(usable, walked + windowBytes);
            for (int i = walked; i < windowEnd; i++)
            {
                if (buffer.getByte(i) != 0)
                {
                    lastNonZero = i + 1;
                }
            }
            if (walked == start && lastNonZero > start)
            {
                records++; // bytes that do not even parse as a record header: one damaged record
            }
            bytes += lastNonZero - start;
        }
        return new long[] {records, bytes};
    }
}

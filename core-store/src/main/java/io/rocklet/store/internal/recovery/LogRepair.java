package io.rocklet.store.internal.recovery;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.DamagedRange;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * Verifies the commit log from a position to its end and repairs it without destroying intact records:
 * <ul>
 *   <li>a damaged range followed by intact records (a flipped bit, a zeroed page, overwritten bytes) is
 *       copied to the quarantine directory, then marked as a gap that scans and reads step over; every
 *       record after it keeps its offset;</li>
 *   <li>a damaged tail with nothing intact after it is cut, after quarantining its bytes, when it lies past
 *       the trusted end (what the checkpoint vouches for: a torn write of a crash);</li>
 *   <li>a damaged tail below the trusted end (acknowledged data lost for good) refuses the open with an
 *       error naming the file, the offset and the repair option, unless that option is set.</li>
 * </ul>
 * Everything is planned before anything is changed, so a refusal leaves the files as they were.
 * Runs on the opening thread before any agent starts.
 */
final class LogRepair
{
    /** How far past the end of the records recovery looks for data after zeros. */
    static final int TAIL_WINDOW_BYTES = 1 << 20;
    /** How far past damaged bytes (beyond the trusted end) recovery looks for intact records. */
    static final int DAMAGE_WINDOW_BYTES = 4 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(LogRepair.class);

    /**
     * @param endPosition    where the intact records end (the next write position).
     * @param records        intact records verified.
     * @param damaged        ranges skipped, quarantined and marked.
     * @param droppedBytes   bytes of a torn tail cut from the log (quarantined first).
     * @param droppedRecords record-like headers in that tail.
     * @param tailProblem    why the last record could not be read, or {@code ""} at clean zeros.
     * @param knownGaps      gaps marked by an earlier recovery, stepped over.
     */
    record Result(long endPosition, long records, List<DamagedRange> damaged, long droppedBytes, long droppedRecords,
        String tailProblem, int knownGaps)
    {
    }

    private record Gap(long from, long to, String reason)
    {
    }

    private final CommitLog log;
    private final Quarantine quarantine;
    private final boolean repairDamagedLog;
    private final LogScanner scanner = new LogScanner();

    LogRepair(final CommitLog log, final Quarantine quarantine, final boolean repairDamagedLog)
    {
        this.log = log;
        this.quarantine = quarantine;
        this.repairDamagedLog = repairDamagedLog;
    }

    /**
     * @param from       where to start verifying (a record boundary).
     * @param trustedEnd the log is known to have held intact records up to here (the checkpoint position).
     * @param handler    sees every intact record from {@code from} on.
     * @throws StorageException STORE_DAMAGED when records below {@code trustedEnd} are lost and cannot be bridged.
     */
    Result run(final long from, final long trustedEnd, final LogScanner.RecordHandler handler)
    {
        final List<Gap> gaps = new ArrayList<>();
        long position = from;
        long records = 0;
        int knownGaps = 0;
        final long logEnd = logEnd();
        LogScanner.Outcome outcome;
        while (true)
        {
            outcome = scanner.scan(log, position, Long.MAX_VALUE, handler);
            records += outcome.records();
            knownGaps += outcome.gaps();
            final long stop = outcome.endPosition();
            if (log.segmentFor(stop) == null)
            {
                break;
            }
            final long window = outcome.atZeros() ? TAIL_WINDOW_BYTES : DAMAGE_WINDOW_BYTES;
            final long resumed = scanner.resync(log, stop, Math.min(logEnd, Math.max(trustedEnd, stop) + window));
            if (resumed < 0)
            {
                break;
            }
            gaps.add(new Gap(stop, resumed, outcome.atZeros() ? "zeros followed by intact records at offset " + stop :
                outcome.problem()));
            position = resumed;
        }
        final long end = outcome.endPosition();
        final long[] tail = LogScanner.measureTail(log, end, TAIL_WINDOW_BYTES);
        if (end < trustedEnd && !repairDamagedLog)
        {
            throw refusal(end, trustedEnd, outcome.problem());
        }
        final List<DamagedRange> damaged = new ArrayList<>(gaps.size());
        for (final Gap gap : gaps)
        {
            damaged.add(quarantineAndMark(gap));
        }
        cutTail(end, tail[1], trustedEnd);
        final String problem = !outcome.problem().isEmpty() ? outcome.problem() :
            tail[1] > 0 ? "zeros followed by data at offset " + end : "";
        return new Result(end, records, damaged, tail[1], tail[0], problem, knownGaps);
    }

    private long logEnd()
    {
        final LogSegment last = log.lastSegment();
        return last == null ? log.minOffset() : last.endOffset();
    }

    private StorageException refusal(final long end, final long trustedEnd, final String problem)
    {
        final LogSegment segment = log.segmentFor(end);
        final String file = segment == null ? log.directory().toString() : segment.region().path().toString();
        final long fileOffset = segment == null ? 0 : end - segment.baseOffset();
        return new StorageException(ErrorCode.STORE_DAMAGED, "commit log damaged below the checkpoint, with no intact " +
            "record after the damage: file=" + file + ", fileOffset=" + fileOffset + ", logOffset=" + end +
            ", checkpoint=" + trustedEnd + ", lostBytesAtMost=" + (trustedEnd - end) +
            (problem.isEmpty() ? ", problem=zeros where records were" : ", problem=" + problem) +
            ". Nothing was changed. To accept the loss (the damaged bytes are quarantined, then the log is cut at " +
            "logOffset=" + end + "), open with StoreConfig.Builder.repairDamagedLog(true) or the server flag " +
            "--repair-damaged-log");
    }

    private DamagedRange quarantineAndMark(final Gap gap)
    {
        final LogSegment first = log.segmentFor(gap.from);
        final long records = countRecordHeaders(gap.from, gap.to);
        final var file = quarantine.copy(log, gap.from, gap.to);
        long position = gap.from;
        while (position < gap.to)
        {
            final LogSegment segment = log.segmentFor(position);
            final long usableEnd = segment.baseOffset() + segment.usableBytes();
            final long pieceEnd = Math.min(gap.to, usableEnd);
            markGap(segment, position, pieceEnd);
            position = pieceEnd < usableEnd ? pieceEnd : segment.endOffset();
        }
        log.sync(gap.from, Math.min(gap.to, logEnd()));
        final DamagedRange range = new DamagedRange(gap.from, gap.to - gap.from, records, gap.reason,
            first.region().path(), file);
        LOG.error("commit log damaged, range skipped and quarantined, later records kept: logOffset={}, bytes={}, " +
            "records={}, reason=\"{}\", segment={}, quarantineFile={}", range.logOffset(), range.bytes(),
            range.records(), range.reason(), range.segmentFile(), range.quarantineFile());
        return range;
    }

    /** Writes a gap header at {@code from} and zeros up to {@code to} (both in {@code segment}). */
    private static void markGap(final LogSegment segment, final long from, final long to)
    {
        final int index = (int)(from - segment.baseOffset());
        final int length = (int)(to - from);
        final UnsafeBuffer buffer = segment.buffer();
        buffer.setMemory(index, length, (byte)0);
        if (length >= MIN_FILLER_LENGTH)
        {
            buffer.putInt(index + LENGTH_OFFSET, length);
            buffer.putInt(index + MAGIC_OFFSET, GAP_MAGIC);
        }
    }

    /** Damaged records whose header still shows where they were: magic and their own offset. At least one. */
    private long countRecordHeaders(final long from, final long to)
    {
        long count = 0;
        for (long position = from; position < to; position++)
        {
            final LogSegment segment = log.segmentFor(position);
            final int index = (int)(position - segment.baseOffset());
            if (index + HEADER_LENGTH <= segment.usableBytes() &&
                segment.buffer().getInt(index + MAGIC_OFFSET) == RECORD_MAGIC &&
                segment.buffer().getLong(index + LOG_OFFSET_OFFSET) == position)
            {
                count++;
            }
        }
        return Math.max(1, count);
    }

    private void cutTail(final long end, final long droppedBytes, final long trustedEnd)
    {
        final LogSegment endSegment = log.segmentFor(end);
        if (droppedBytes > 0)
        {
            final long to = Math.min(logEnd(), end + droppedBytes);
            final var file = quarantine.copy(log, end, to);
            LOG.warn("commit log tail unreadable, cut after quarantining it: logOffset={}, bytes={}, checkpoint={}, " +
                "repairRequested={}, quarantineFile={}", end, droppedBytes, trustedEnd, end < trustedEnd, file);
        }
        if (droppedBytes > 0 || (endSegment != null && endSegment != log.lastSegment()))
        {
            log.truncate(end);
        }
    }
}

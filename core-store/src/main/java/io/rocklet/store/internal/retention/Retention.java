package io.rocklet.store.internal.retention;

import io.rocklet.store.DiskUsageProbe;
import io.rocklet.store.internal.StoreHealth;
import io.rocklet.store.internal.file.MappedRegion;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.queue.ConsumeQueue;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

import static io.rocklet.store.internal.queue.ConsumeQueueDescriptor.*;

/**
 * Retention: deletes commit-log segments whose last message is older than the reserved time; refuses
 * writes above the full ratio (DISK_FULL); trims consume queues and the key index with the log. Deletes
 * unexpired segments under disk pressure (one a run above the clean ratio, up to ten above the force
 * ratio) only when the operator opted in, and then logs each at WARN: by default, acknowledged data is kept
 * until it expires. Never deletes the active segment or data not yet dispatched and flushed. One caller at
 * a time.
 */
public final class Retention
{
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final int FORCE_BATCH = 10;

    private final Path directory;
    private final CommitLog log;
    private final TopicTable topics;
    private final KeyIndex keyIndex;
    private final StoreHealth health;
    private final DiskUsageProbe probe;
    private final LongSupplier safePosition;
    private final long reservedMs;
    private final double cleanRatio;
    private final double forceRatio;
    private final double fullRatio;
    private final boolean deleteUnexpired;
    private boolean pressureWarned;

    public Retention(final Path directory, final CommitLog log, final TopicTable topics, final KeyIndex keyIndex,
        final StoreHealth health, final DiskUsageProbe probe, final LongSupplier safePosition, final long reservedMs,
        final double cleanRatio, final double forceRatio, final double fullRatio, final boolean deleteUnexpired)
    {
        this.deleteUnexpired = deleteUnexpired;
        this.directory = directory;
        this.log = log;
        this.topics = topics;
        this.keyIndex = keyIndex;
        this.health = health;
        this.probe = probe;
        this.safePosition = safePosition;
        this.reservedMs = reservedMs;
        this.cleanRatio = cleanRatio;
        this.forceRatio = forceRatio;
        this.fullRatio = fullRatio;
    }

    /**
     * Measures the disk and updates the write gate, without deleting anything.
     *
     * @return the used ratio.
     */
    public double checkDisk()
    {
        final double used = probe.usedRatio(directory);
        health.diskUsage(used, used >= fullRatio);
        return used;
    }

    /**
     * One retention pass.
     *
     * @return the number of segments deleted.
     */
    public int run(final long nowMs)
    {
        final double used = checkDisk();
        final int pressureBudget = !deleteUnexpired ? 0 : used >= forceRatio ? FORCE_BATCH : used >= cleanRatio ? 1 : 0;
        warnOnPressure(used);
        int deleted = 0;
        while (true)
        {
            final LogSegment[] segments = log.segments();
            if (segments.length <= 1 || segments[0].endOffset() > safePosition.getAsLong())
            {
                break;
            }
            final LogSegment oldest = segments[0];
            final long lastWriteMs = lastWriteMs(oldest);
            final Path file = oldest.region().path();
            final boolean expired = lastWriteMs + reservedMs <= nowMs;
            if (!expired && deleted >= pressureBudget)
            {
                break;
            }
            if (log.deleteOldestSegment() == null)
            {
                break;
            }
            deleted++;
            if (expired)
            {
                LOG.info("deleted commit-log segment: base={}, reason=expired, diskUsedRatio={}", oldest.baseOffset(),
                    String.format("%.3f", used));
            }
            else
            {
                LOG.warn("deleted unexpired commit-log segment under disk pressure (deleteUnexpiredOnDiskPressure is " +
                    "on): base={}, file={}, lastStoreTimestampMs={}, diskUsedRatio={}", oldest.baseOffset(), file,
                    lastWriteMs, String.format("%.3f", used));
            }
        }
        if (deleted > 0)
        {
            trimToLog();
            checkDisk();
        }
        return deleted;
    }

    /** Says once per episode that the disk fills with data that is kept because it has not expired. */
    private void warnOnPressure(final double used)
    {
        if (used < cleanRatio)
        {
            pressureWarned = false;
        }
        else if (!deleteUnexpired && !pressureWarned)
        {
            pressureWarned = true;
            LOG.warn("disk filling with unexpired data, which is kept (writes are refused above the full ratio): " +
                "dir={}, diskUsedRatio={}, fullRatio={}, retentionMs={}", directory, String.format("%.3f", used),
                fullRatio, reservedMs);
        }
    }

    /**
     * Trims consume queues and the key index to the log's current minimum offset.
     */
    public void trimToLog()
    {
        final long minLogOffset = log.minOffset();
        for (final TopicState topic : topics.all())
        {
            for (final QueueState queue : topic.queues())
            {
                final ConsumeQueue cq = queue.consumeQueue();
                cq.trimTo(firstOffsetAtOrAfter(cq, minLogOffset));
            }
        }
        keyIndex.trimTo(minLogOffset);
    }

    private long lastWriteMs(final LogSegment segment)
    {
        final long sealed = segment.sealedTimestampMs();
        if (sealed >= 0)
        {
            return sealed;
        }
        try
        {
            return Files.getLastModifiedTime(segment.region().path()).toMillis();
        }
        catch (final IOException e)
        {
            return Long.MAX_VALUE - reservedMs; // unknown age: keep it
        }
    }

    /** Binary search for the first queue offset whose record is at or after {@code minLogOffset}. */
    private static long firstOffsetAtOrAfter(final ConsumeQueue cq, final long minLogOffset)
    {
        long low = cq.minOffset();
        long high = cq.maxOffset();
        while (low < high)
        {
            final long mid = (low + high) >>> 1;
            final MappedRegion file = cq.retainFile(mid);
            if (file == null)
            {
                low = mid + 1;
                continue;
            }
            final long logOffset;
            try
            {
                final UnsafeBuffer buffer = file.buffer();
                logOffset = buffer.getLong(cq.entryIndex(mid) + LOG_OFFSET_OFFSET);
            }
            finally
            {
                file.release();
            }
            if (logOffset < minLogOffset)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}

package io.rocklet.store.internal;

import io.rocklet.api.RockletException;
import io.rocklet.api.agent.HostedAgent;
import io.rocklet.store.FlushMode;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.internal.flush.Checkpointer;
import io.rocklet.store.internal.flush.LogFlusher;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.retention.Retention;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * The housekeeping agent: the ASYNC flush, checkpoints, retention, and mapping the next log segment
 * before the active one fills up. Each step runs when its interval (on the injected clock) is due.
 */
public final class Housekeeper implements HostedAgent
{
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeper.class);
    private static final long PAGE_SIZE = 4096;
    private static final int POPULATE_CHUNK_BYTES = 1 << 20;

    private final EpochClock clock;
    private final LogFlusher flusher;
    private final Checkpointer checkpointer;
    private final Retention retention;
    private final CommitLog log;
    private final LongSupplier committedPosition;
    private final StoreHealth health;
    private final boolean asyncFlush;
    private final long flushIntervalMs;
    private final long flushMinDirtyBytes;
    private final long flushThoroughIntervalMs;
    private final long checkpointIntervalMs;
    private final long retentionIntervalMs;
    private final long populateAheadBytes;
    private long nextFlushMs;
    private long lastFlushMs;
    private long nextCheckpointMs;
    private long nextRetentionMs;
    private long nextPrepareMs;
    private long lastPopulateCheck;
    private long aheadBytes;

    public Housekeeper(final StoreConfig config, final LogFlusher flusher, final Checkpointer checkpointer,
        final Retention retention, final CommitLog log, final LongSupplier committedPosition, final StoreHealth health)
    {
        this.clock = config.clock();
        this.flusher = flusher;
        this.checkpointer = checkpointer;
        this.retention = retention;
        this.log = log;
        this.committedPosition = committedPosition;
        this.health = health;
        this.asyncFlush = config.flushMode() == FlushMode.ASYNC && config.fsync();
        this.flushIntervalMs = config.flushInterval().toMillis();
        this.flushMinDirtyBytes = config.flushMinDirtyPages() * PAGE_SIZE;
        this.flushThoroughIntervalMs = config.flushThoroughInterval().toMillis();
        this.checkpointIntervalMs = config.checkpointInterval().toMillis();
        this.retentionIntervalMs = config.retentionCheckInterval().toMillis();
        // with SYNC the write rate is bounded by flushes, and pre-dirtied pages only slow each flush down
        this.populateAheadBytes = config.flushMode() == FlushMode.ASYNC ? config.populateAheadBytes() : 0;
        final long now = clock.time();
        this.lastFlushMs = now;
        this.nextFlushMs = now + flushIntervalMs;
        this.nextCheckpointMs = now + checkpointIntervalMs;
        this.nextRetentionMs = now + retentionIntervalMs;
        this.lastPopulateCheck = committedPosition.getAsLong();
    }

    @Override
    public int doWork()
    {
        final long now = clock.time();
        return flushIfDue(now) + checkpointIfDue(now) + retainIfDue(now) + prepareNextSegment(now) +
            populateAhead();
    }

    @Override
    public String roleName()
    {
        return "rocklet-housekeeper";
    }

    private int flushIfDue(final long now)
    {
        if (!asyncFlush || now < nextFlushMs || health.isFenced())
        {
            return 0;
        }
        nextFlushMs = now + flushIntervalMs;
        final long dirty = flusher.dirtyBytes();
        if (dirty == 0 || (dirty < flushMinDirtyBytes && now - lastFlushMs < flushThoroughIntervalMs))
        {
            return 0;
        }
        try
        {
            flusher.flush();
            lastFlushMs = now;
            return 1;
        }
        catch (final RuntimeException e)
        {
            return 0; // the flusher fenced the store and logged why
        }
    }

    private int checkpointIfDue(final long now)
    {
        if (now < nextCheckpointMs || health.isFenced())
        {
            return 0;
        }
        nextCheckpointMs = now + checkpointIntervalMs;
        try
        {
            return checkpointer.checkpoint() ? 1 : 0;
        }
        catch (final RuntimeException e)
        {
            if (e instanceof RockletException rocklet && rocklet.retriable())
            {
                // a flush that did not end in time (FLUSH_TIMEOUT) is slow, not failed: retry at the next interval
                LOG.warn("checkpoint postponed: error={}", e.toString());
                return 0;
            }
            health.fence(e);
            return 0;
        }
    }

    private int retainIfDue(final long now)
    {
        if (now < nextRetentionMs)
        {
            return 0;
        }
        nextRetentionMs = now + retentionIntervalMs;
        try
        {
            return retention.run(now);
        }
        catch (final RuntimeException e)
        {
            LOG.warn("retention pass failed: error={}", e.toString(), e);
            return 0;
        }
    }

    private int populateAhead()
    {
        if (populateAheadBytes == 0 || health.isFenced())
        {
            return 0;
        }
        // look ahead as far as the writer moved lately (up to the limit): an idle store faults nothing in
        final long committed = committedPosition.getAsLong();
        final long moved = committed - lastPopulateCheck;
        lastPopulateCheck = committed;
        aheadBytes = Math.min(populateAheadBytes, Math.max(aheadBytes / 2, moved * 8));
        if (aheadBytes < POPULATE_CHUNK_BYTES)
        {
            return 0;
        }
        return log.populateAhead(committed, aheadBytes, POPULATE_CHUNK_BYTES) ? 1 : 0;
    }

    private int prepareNextSegment(final long now)
    {
        final LogSegment last = log.lastSegment();
        if (last == null || now < nextPrepareMs || health.isFenced() ||
            committedPosition.getAsLong() - last.baseOffset() < last.size() / 2)
        {
            return 0;
        }
        try
        {
            return log.prepareNextSegment() ? 1 : 0;
        }
        catch (final RuntimeException e)
        {
            LOG.warn("cannot prepare the next segment, the writer will create it: error={}", e.toString());
            nextPrepareMs = now + retentionIntervalMs;
            return 0;
        }
    }
}

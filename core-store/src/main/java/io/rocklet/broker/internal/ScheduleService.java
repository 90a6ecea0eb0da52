package io.rocklet.broker.internal;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TagFilter;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers delayed messages: each delay level's queue of the schedule topic is read in order, and a message whose
 * store time plus the level's delay has come is appended to its real topic and queue (with its tag, keys, body,
 * metadata and properties, less the schedule properties). Each level's progress is an offset into its queue,
 * persisted in the file {@value #FILE} of the broker directory (see {@link BrokerFiles}), so delivery resumes
 * after a restart; a message delivered after the last persisted offset may be delivered again then
 * (at least once):
 *
 * <pre>
 * &lt;level&gt; &lt;offset&gt;
 * </pre>
 *
 * Owned by the broker agent thread (and the closing thread once the agent stopped).
 */
public final class ScheduleService implements DelayedDelivery
{
    public static final String FILE = "delayOffsets";
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleService.class);
    private static final int BATCH = 32;
    private static final int BATCH_BYTES = 1 << 20;
    private static final long RETRY_AFTER_FAILURE_MS = 1000;

    private final MessageStore store;
    private final DelayLevels levels;
    private final EpochClock clock;
    private final Path file;
    private final boolean fsync;
    /** Per level (index level - 1): the next schedule-queue offset to deliver. */
    private final long[] offsets;
    /** Per level: do not look before this time (the head message is not due yet, or delivery failed). */
    private final long[] notBeforeMs;
    private boolean dirty;

    private ScheduleService(final MessageStore store, final DelayLevels levels, final EpochClock clock,
        final Path file, final boolean fsync)
    {
        this.store = store;
        this.levels = levels;
        this.clock = clock;
        this.file = file;
        this.fsync = fsync;
        this.offsets = new long[levels.count()];
        this.notBeforeMs = new long[levels.count()];
    }

    /**
     * Loads the levels' offsets from {@code directory} (all 0 when there is no file yet).
     */
    public static ScheduleService load(final MessageStore store, final DelayLevels levels, final EpochClock clock,
        final Path directory, final boolean fsync)
    {
        final ScheduleService service = new ScheduleService(store, levels, clock, directory.resolve(FILE), fsync);
        for (final String[] record : BrokerFiles.read(service.file))
        {
            try
            {
                if (record.length != 2)
                {
                    BrokerFiles.skip(service.file, record, "expected <level> <offset>");
                    continue;
                }
                final int level = Integer.parseInt(record[0]);
                final long offset = Long.parseLong(record[1]);
                if (offset < 0)
                {
                    BrokerFiles.skip(service.file, record, "negative offset");
                }
                else if (level < 1 || level > levels.count())
                {
                    LOG.warn("delay level no longer configured, its waiting messages stay in the schedule topic: " +
                        "level={}, levels={}, offset={}", level, levels.count(), offset);
                }
                else
                {
                    service.offsets[level - 1] = offset;
                }
            }
            catch (final RuntimeException e)
            {
                BrokerFiles.skip(service.file, record, e.toString());
            }
        }
        return service;
    }

    /**
     * Delivers the messages that are due.
     *
     * @return how many were delivered (or skipped as malformed).
     */
    @Override
    public int deliverDue()
    {
        final long nowMs = clock.time();
        int work = 0;
        for (int level = 1; level <= offsets.length; level++)
        {
            final int index = level - 1;
            if (nowMs >= notBeforeMs[index] &&
                offsets[index] < store.maxOffset(SystemTopics.SCHEDULE_TOPIC, DelayLevels.scheduleQueue(level)))
            {
                work += deliverLevel(level, nowMs);
            }
        }
        return work;
    }

    /**
     * @return level to the next schedule-queue offset to deliver (a master's copy for its slaves).
     */
    public synchronized java.util.Map<Integer, Long> offsets()
    {
        final java.util.Map<Integer, Long> copy = new java.util.TreeMap<>();
        for (int i = 0; i < offsets.length; i++)
        {
            copy.put(i + 1, offsets[i]);
        }
        return copy;
    }

    /**
     * A slave takes its master's progress (it delivers nothing itself until it becomes master). Levels not configured
     * here are ignored.
     */
    public synchronized void follow(final java.util.Map<Integer, Long> masterOffsets)
    {
        masterOffsets.forEach((level, offset) ->
        {
            if (level >= 1 && level <= offsets.length && offsets[level - 1] != offset)
            {
                offsets[level - 1] = offset;
                dirty = true;
            }
        });
    }

    /**
     * Writes the levels' offsets when they moved since the last write.
     *
     * @return 1 when it wrote, else 0.
     */
    @Override
    public int persist()
    {
        if (!dirty)
        {
            return 0;
        }
        final List<String> records = new ArrayList<>(offsets.length);
        for (int i = 0; i < offsets.length; i++)
        {
            records.add((i + 1) + " " + offsets[i]);
        }
        BrokerFiles.write(file, "delay-offsets", records, fsync);
        dirty = false;
        return 1;
    }

    private int deliverLevel(final int level, final long nowMs)
    {
        final int index = level - 1;
        final ReadResult read = store.read(SystemTopics.SCHEDULE_TOPIC, DelayLevels.scheduleQueue(level),
            offsets[index], BATCH, BATCH_BYTES, TagFilter.ALL);
        if (read.status() != ReadStatus.FOUND)
        {
            if (read.status() == ReadStatus.OFFSET_TOO_OLD || read.status() == ReadStatus.OFFSET_OVERFLOW ||
                read.status() == ReadStatus.NO_MATCHED_MESSAGE || read.status() == ReadStatus.DAMAGED_MESSAGE)
            {
                moveTo(index, read.nextOffset());
            }
            return 0;
        }
        int delivered = 0;
        for (final StoredMessage message : read.messages())
        {
            final long dueMs = message.storeTimestampMs() + levels.delayMs(level);
            if (dueMs > nowMs)
            {
                notBeforeMs[index] = dueMs;
                return delivered;
            }
            try
            {
                deliver(message, level);
            }
            catch (final InvalidArgumentException e)
            {
                LOG.warn("skipping delayed message the store refuses: level={}, queueOffset={}, error={}", level,
                    message.queueOffset(), e.toString());
            }
            catch (final RockletException e)
            {
                LOG.warn("cannot deliver delayed message, retrying: level={}, queueOffset={}, retryInMs={}, error={}",
                    level, message.queueOffset(), RETRY_AFTER_FAILURE_MS, e.toString());
                notBeforeMs[index] = nowMs + RETRY_AFTER_FAILURE_MS;
                return delivered;
            }
            moveTo(index, message.queueOffset() + 1);
            delivered++;
        }
        return delivered;
    }

    /**
     * Appends the message to its real topic and queue; skips (and logs) one whose schedule properties are broken.
     */
    private void deliver(final StoredMessage scheduled, final int level)
    {
        final AppendRequest append;
        try
        {
            append = Delays.toRealTopic(scheduled);
        }
        catch (final InvalidArgumentException e)
        {
            LOG.warn("skipping delayed message without a valid destination: level={}, queueOffset={}, error={}",
                level, scheduled.queueOffset(), e.getMessage());
            return;
        }
        store.append(append);
    }

    private void moveTo(final int index, final long offset)
    {
        if (offsets[index] != offset)
        {
            offsets[index] = offset;
            dirty = true;
        }
    }
}

package io.rocklet.broker.internal;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TagFilter;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Delivers delayed messages: each delay level's queue of the schedule topic is read in order, and a message whose
 * store time plus the level's delay has come is appended to its real topic and queue (with its tag, keys, body,
 * metadata and properties, less the schedule properties). Each level's progress is an offset into its queue,
 * persisted in the file {@value #FILE} of the broker directory (see {@link BrokerFiles}), so delivery resumes
 * after a restart; a message delivered after the last persisted offset may be delivered again then
 * (at least once). The file also holds how far each level's messages are counted into the per-topic pending counts,
 * the counts, and the recalled messages delivery has not passed yet:
 *
 * <pre>
 * &lt;level&gt; &lt;offset&gt;             next offset to deliver
 * counted &lt;level&gt; &lt;offset&gt;     next offset to count as pending
 * recalled &lt;level&gt; &lt;offset&gt;    a recalled message: skipped by delivery (and then forgotten)
 * pending &lt;topic&gt; &lt;count&gt;     messages waiting per real topic
 * </pre>
 *
 * A recall ({@link #recall}) is written to the file before it is answered, so a recalled message is never delivered,
 * also after a crash; the recalled set holds at most the level messages waiting. Owned by the broker agent thread
 * (and the closing thread once the agent stopped); {@link #pendingByTopic()} may be read from any thread.
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
    /** Per level: the next schedule-queue offset to count in {@link #pending}. */
    private final long[] counted;
    /** Per level: offsets of recalled messages at or after the level's delivery offset. */
    private final LongHashSet[] recalled;
    /** Per level: do not look before this time (the head message is not due yet, or delivery failed). */
    private final long[] notBeforeMs;
    private final PendingCounts pending = new PendingCounts();
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
        this.counted = new long[levels.count()];
        this.recalled = new LongHashSet[levels.count()];
        this.notBeforeMs = new long[levels.count()];
        for (int i = 0; i < recalled.length; i++)
        {
            recalled[i] = new LongHashSet();
        }
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
                service.load(record);
            }
            catch (final RuntimeException e)
            {
                BrokerFiles.skip(service.file, record, e.toString());
            }
        }
        for (int i = 0; i < service.offsets.length; i++)
        {
            service.counted[i] = Math.max(service.counted[i], service.offsets[i]); // a file without counts
            final long delivered = service.offsets[i];
            service.recalled[i].removeIf(offset -> offset < delivered);
        }
        return service;
    }

    private void load(final String[] record)
    {
        if (record.length == 3 && record[0].equals(PendingCounts.RECORD))
        {
            pending.set(record[1], Long.parseLong(record[2]));
            return;
        }
        final boolean delivery = record.length == 2;
        if (!delivery && !(record.length == 3 && (record[0].equals("counted") || record[0].equals("recalled"))))
        {
            BrokerFiles.skip(file, record, "expected <level> <offset>, counted|recalled <level> <offset> or " +
                "pending <topic> <count>");
            return;
        }
        final int level = Integer.parseInt(record[delivery ? 0 : 1]);
        final long offset = Long.parseLong(record[delivery ? 1 : 2]);
        if (offset < 0)
        {
            BrokerFiles.skip(file, record, "negative offset");
        }
        else if (level < 1 || level > levels.count())
        {
            if (delivery)
            {
                LOG.warn("delay level no longer configured, its waiting messages stay in the schedule topic: " +
                    "level={}, levels={}, offset={}", level, levels.count(), offset);
            }
        }
        else if (delivery)
        {
            offsets[level - 1] = offset;
        }
        else if (record[0].equals("counted"))
        {
            counted[level - 1] = offset;
        }
        else
        {
            recalled[level - 1].add(offset);
        }
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
            final long maxOffset = store.maxOffset(SystemTopics.SCHEDULE_TOPIC, DelayLevels.scheduleQueue(level));
            if (counted[index] < maxOffset)
            {
                work += count(level);
            }
            if (nowMs >= notBeforeMs[index] && offsets[index] < maxOffset)
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
        final List<String> records = new ArrayList<>(offsets.length * 2);
        for (int i = 0; i < offsets.length; i++)
        {
            records.add((i + 1) + " " + offsets[i]);
            records.add("counted " + (i + 1) + " " + counted[i]);
            final int level = i + 1;
            recalled[i].stream().sorted().forEach(offset -> records.add("recalled " + level + " " + offset));
        }
        pending.addRecords(records);
        BrokerFiles.write(file, "delay-offsets", records, fsync);
        dirty = false;
        return 1;
    }

    /**
     * @return per real topic, how many messages wait for their delay level (topics with none left out), sorted.
     */
    public Map<String, Long> pendingByTopic()
    {
        return pending.snapshot();
    }

    @Override
    public boolean holds(final StoredMessage copy)
    {
        return SystemTopics.SCHEDULE_TOPIC.equals(copy.topic());
    }

    /**
     * Recalls a message waiting for its level: adds it to the recalled set and writes the file before answering.
     *
     * @throws InvalidArgumentException for a message of a level no longer configured.
     */
    @Override
    public RecallStatus recall(final StoredMessage waiting)
    {
        final int level = waiting.queueId() + 1;
        levels.check(level, "cannot recall a message of a delay level no longer configured: queueOffset=" +
            waiting.queueOffset());
        final int index = level - 1;
        final long offset = waiting.queueOffset();
        if (recalled[index].contains(offset))
        {
            return RecallStatus.ALREADY_RECALLED;
        }
        if (offset < offsets[index] || waiting.storeTimestampMs() + levels.delayMs(level) <= clock.time())
        {
            return RecallStatus.ALREADY_DUE;
        }
        final boolean wasCounted = offset < counted[index];
        recalled[index].add(offset);
        if (wasCounted)
        {
            pending.decrement(realTopic(waiting));
        }
        dirty = true;
        try
        {
            persist();
        }
        catch (final RuntimeException e)
        {
            recalled[index].remove(offset);
            if (wasCounted)
            {
                pending.increment(realTopic(waiting));
            }
            throw e;
        }
        return RecallStatus.RECALLED;
    }

    /**
     * Counts the level's messages not counted yet (a batch) into {@link #pending}.
     */
    private int count(final int level)
    {
        final int index = level - 1;
        final ReadResult read = store.read(SystemTopics.SCHEDULE_TOPIC, DelayLevels.scheduleQueue(level),
            counted[index], BATCH, BATCH_BYTES, TagFilter.ALL);
        if (read.status() != ReadStatus.FOUND)
        {
            if (read.nextOffset() > counted[index])
            {
                counted[index] = read.nextOffset();
                dirty = true;
            }
            return 0;
        }
        for (final StoredMessage message : read.messages())
        {
            if (!recalled[index].contains(message.queueOffset()))
            {
                pending.increment(realTopic(message));
            }
            counted[index] = message.queueOffset() + 1;
        }
        dirty = true;
        return read.messages().size();
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
            if (recalled[index].remove(message.queueOffset()))
            {
                moveTo(index, message.queueOffset() + 1); // recalled: never delivered, counted off at the recall
                delivered++;
                continue;
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
            if (message.queueOffset() < counted[index])
            {
                pending.decrement(realTopic(message));
            }
            moveTo(index, message.queueOffset() + 1);
            delivered++;
        }
        return delivered;
    }

    private static String realTopic(final StoredMessage message)
    {
        final String topic = message.properties().get(SystemProperties.REAL_TOPIC);
        return topic == null ? "" : topic;
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

    /**
     * Moves a level's delivery offset; what delivery passed is never counted as pending.
     */
    private void moveTo(final int index, final long offset)
    {
        if (offsets[index] != offset)
        {
            offsets[index] = offset;
            counted[index] = Math.max(counted[index], offset);
            dirty = true;
        }
    }
}

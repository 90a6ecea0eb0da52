package io.rocklet.store.internal.recovery;

import io.rocklet.store.RecoveryReport;
import io.rocklet.store.internal.dispatch.DispatchApplier;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.log.RecordView;
import io.rocklet.store.internal.queue.ConsumeQueue;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Brings the store to a consistent state when it opens. The commit log is the truth:
 * <ol>
 *   <li>consume queues are loaded and cut at the checkpoint; missing or damaged ones are rebuilt from
 *       the log, as are missing or damaged key-index files;</li>
 *   <li>the log is scanned from the checkpoint, each record verified (CRC32C) and re-dispatched;</li>
 *   <li>the log is cut at the first torn or corrupt record, and what was dropped is logged.</li>
 * </ol>
 * Runs on the opening thread before any agent starts.
 */
public final class Recovery
{
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final int TAIL_WINDOW_BYTES = 1 << 20;

    private final CommitLog log;
    private final TopicTable topics;
    private final KeyIndex index;
    private final DispatchApplier applier;
    private final NanoClock nanoClock;
    private final LogScanner scanner = new LogScanner();
    private String damageBelowCheckpoint = "";

    /**
     * @param writePosition        where the next record goes.
     * @param lastStoreTimestampMs store time of the last record (store times never go back).
     * @param report               what was found and done.
     */
    public record Result(long writePosition, long lastStoreTimestampMs, RecoveryReport report)
    {
    }

    public Recovery(final CommitLog log, final TopicTable topics, final KeyIndex index, final DispatchApplier applier,
        final NanoClock nanoClock)
    {
        this.log = log;
        this.topics = topics;
        this.index = index;
        this.applier = applier;
        this.nanoClock = nanoClock;
    }

    public Result run(final boolean cleanShutdown, final Checkpoint checkpoint)
    {
        final long started = nanoClock.nanoTime();
        final long min = log.minOffset();
        final LogSegment last = log.lastSegment();
        final long limit = last == null ? min : last.endOffset();
        long position = checkpoint == null ? min : Math.max(min, Math.min(checkpoint.position(), limit));
        if (checkpoint != null && checkpoint.position() > limit)
        {
            LOG.warn("checkpoint is beyond the end of the log (segments deleted by hand?): checkpoint={}, logEnd={}",
                checkpoint.position(), limit);
        }

        final Set<QueueState> damagedQueues = new QueueLoader(topics, log).load(checkpoint, position);
        topics.all().forEach(TopicState::resetQueuesHoldingDeleted); // a delete the dispatcher had not applied
        final List<Long> damagedIndexFiles = loadIndex(cleanShutdown, checkpoint);
        if (!damagedQueues.isEmpty() || !damagedIndexFiles.isEmpty())
        {
            final long reached = rebuild(min, position, damagedQueues,
                indexRanges(damagedIndexFiles, checkpoint, position), checkpoint);
            if (reached < position)
            {
                return recoverFromLogStart(cleanShutdown, position, reached);
            }
        }

        final TailDispatch tail = new TailDispatch();
        final LogScanner.Outcome outcome = scanner.scan(log, position, Long.MAX_VALUE, tail);
        final long end = outcome.endPosition();
        final long[] dropped = LogScanner.measureTail(log, end, TAIL_WINDOW_BYTES);
        final LogSegment endSegment = log.segmentFor(end);
        if (dropped[1] > 0 || (endSegment != null && endSegment != log.lastSegment()))
        {
            // measureTail counted the bytes of later segments already; their file size is not data
            log.truncate(end);
        }
        final Set<QueueState> rebuiltQueues = new LinkedHashSet<>(damagedQueues);
        if (!tail.lateDamaged.isEmpty())
        {
            rebuild(log.minOffset(), end, tail.lateDamaged, List.of(), checkpoint);
            rebuiltQueues.addAll(tail.lateDamaged);
        }
        for (final TopicState topic : topics.all())
        {
            for (final QueueState queue : topic.queues())
            {
                queue.nextAppendOffset(queue.consumeQueue().maxOffset());
            }
        }

        final long lastStoreTimestamp = Math.max(tail.lastStoreTimestampMs,
            checkpoint == null ? 0L : checkpoint.lastStoreTimestampMs());
        // the scan stops quietly at a zero header; data behind the zeros means the log was cut for a reason
        final String problem = !outcome.problem().isEmpty() ? outcome.problem() :
            dropped[1] > 0 ? "zeros followed by data at offset " + end : damageBelowCheckpoint;
        final RecoveryReport report = new RecoveryReport(cleanShutdown, position, end, outcome.records(), dropped[1],
            dropped[0], problem, rebuiltQueues.stream().map(QueueState::toString).toList(),
            damagedIndexFiles, TimeUnit.NANOSECONDS.toMillis(nanoClock.nanoTime() - started));
        logReport(report);
        return new Result(end, lastStoreTimestamp, report);
    }

    /**
     * The log does not hold intact records up to the checkpoint (a file was truncated or damaged), so
     * nothing built from the checkpoint can be trusted: drop the consume queues and recover as after a
     * crash without a checkpoint, cutting the log where its intact records end. Resuming at the
     * checkpoint instead would leave a hole in the log that ends every later full scan.
     */
    private Result recoverFromLogStart(final boolean cleanShutdown, final long checkpointPosition, final long reached)
    {
        LOG.error("log damaged below the checkpoint, recovering from the start of the log: checkpoint={}, " +
            "intactUpTo={}", checkpointPosition, reached);
        for (final TopicState topic : topics.all())
        {
            for (final QueueState queue : topic.queues())
            {
                queue.consumeQueue().reset(0);
            }
        }
        index.close();
        damageBelowCheckpoint = "log damaged at offset " + reached + ", below the checkpoint at " +
            checkpointPosition;
        return run(cleanShutdown, null);
    }

    private List<Long> loadIndex(final boolean cleanShutdown, final Checkpoint checkpoint)
    {
        final List<Long> damaged = new ArrayList<>(index.load());
        if (!cleanShutdown)
        {
            index.recountNewest();
        }
        if (checkpoint != null)
        {
            final Set<Long> present = new LinkedHashSet<>();
            for (final var file : index.files())
            {
                present.add(file.baseLogOffset());
            }
            for (final long base : checkpoint.indexFiles())
            {
                if (!present.contains(base) && !damaged.contains(base) && base >= log.minOffset())
                {
                    LOG.warn("key-index file missing: base={}", base);
                    damaged.add(base);
                }
            }
        }
        return damaged;
    }

    /** Each damaged index file covered [its base, the next file's base) - or up to the checkpoint. */
    private static List<long[]> indexRanges(final List<Long> damaged, final Checkpoint checkpoint, final long position)
    {
        final List<Long> known = new ArrayList<>(checkpoint == null ? List.of() : checkpoint.indexFiles());
        for (final long base : damaged)
        {
            if (!known.contains(base))
            {
                known.add(base);
            }
        }
        known.sort(Long::compare);
        final List<long[]> ranges = new ArrayList<>();
        for (final long base : damaged)
        {
            final int i = known.indexOf(base);
            final long end = i + 1 < known.size() ? known.get(i + 1) : position;
            ranges.add(new long[] {base, Math.max(base, end)});
        }
        return ranges;
    }

    /**
     * Rebuilds the given consume queues and key-index ranges from the log records in [from, to).
     *
     * @return where the scan stopped: {@code to}, or before it where the log is damaged.
     */
    private long rebuild(final long from, final long to, final Set<QueueState> queues, final List<long[]> indexRanges,
        final Checkpoint checkpoint)
    {
        final Set<QueueState> started = new LinkedHashSet<>();
        long scanFrom = queues.isEmpty() ? to : from;
        for (final long[] range : indexRanges)
        {
            scanFrom = Math.min(scanFrom, Math.max(from, range[0]));
        }
        final TopicCache cache = new TopicCache();
        final LogScanner.Outcome outcome = new LogScanner().scan(log, scanFrom, to, (record, logOffset) ->
        {
            final TopicState topic = cache.resolve(record);
            if (topic.isDeleted(logOffset))
            {
                return; // stored before its topic was deleted
            }
            final QueueState queue = topic.queue(record.queueId());
            if (queue != null && queues.contains(queue))
            {
                final ConsumeQueue cq = queue.consumeQueue();
                if (started.add(queue))
                {
                    cq.reset(record.queueOffset());
                }
                if (record.queueOffset() == cq.maxOffset())
                {
                    cq.append(record.queueOffset(), logOffset, record.length(), record.tagCode());
                }
            }
            if (inRanges(indexRanges, logOffset))
            {
                applier.indexKeys(topic.nameBytes(), logOffset, record.storeTimestampMs(), record.keyCount());
            }
        });
        final Map<String, Long> marks = new HashMap<>();
        if (checkpoint != null)
        {
            checkpoint.queues().forEach(m -> marks.put(m.topic() + ":" + m.queueId(), m.nextOffset()));
        }
        for (final QueueState queue : queues)
        {
            if (!started.contains(queue))
            {
                queue.consumeQueue().reset(marks.getOrDefault(queue.toString(), 0L));
            }
        }
        return outcome.endPosition();
    }

    private static boolean inRanges(final List<long[]> ranges, final long logOffset)
    {
        for (final long[] range : ranges)
        {
            if (logOffset >= range[0] && logOffset < range[1])
            {
                return true;
            }
        }
        return false;
    }

    private static void logReport(final RecoveryReport report)
    {
        if (report.repaired() || !report.tailProblem().isEmpty())
        {
            LOG.warn("store recovered with repairs: cleanShutdown={}, checkpoint={}, logEnd={}, recordsScanned={}, " +
                    "droppedBytes={}, droppedRecords={}, tailProblem=\"{}\", rebuiltQueues={}, rebuiltIndexFiles={}, " +
                    "durationMs={}", report.cleanShutdown(), report.checkpointPosition(), report.logEndPosition(),
                report.recordsScanned(), report.droppedBytes(), report.droppedRecords(), report.tailProblem(),
                report.rebuiltQueues(), report.rebuiltIndexFiles(), report.durationMs());
        }
        else
        {
            LOG.info("store recovered: cleanShutdown={}, checkpoint={}, logEnd={}, recordsScanned={}, durationMs={}",
                report.cleanShutdown(), report.checkpointPosition(), report.logEndPosition(), report.recordsScanned(),
                report.durationMs());
        }
    }

    /** Resolves a record's topic, reusing the previous answer when the topic repeats. */
    private final class TopicCache
    {
        private TopicState last;

        TopicState resolve(final RecordView record)
        {
            if (last == null || !record.topicEquals(last.nameBytes()))
            {
                last = topics.getOrCreate(record.topic());
            }
            return last;
        }
    }

    /** Re-dispatches the records found after the checkpoint. */
    private final class TailDispatch implements LogScanner.RecordHandler
    {
        private final TopicCache cache = new TopicCache();
        private final Set<QueueState> lateDamaged = new LinkedHashSet<>();
        private long lastStoreTimestampMs;

        @Override
        public void onRecord(final RecordView record, final long logOffset)
        {
            final TopicState topic = cache.resolve(record);
            lastStoreTimestampMs = record.storeTimestampMs();
            if (topic.isDeleted(logOffset))
            {
                return; // stored before its topic was deleted
            }
            final QueueState queue = topic.getOrCreateQueue(record.queueId());
            if (!lateDamaged.contains(queue) && record.queueOffset() == queue.consumeQueue().maxOffset())
            {
                applier.apply(queue, record.queueOffset(), logOffset, record.length(), record.tagCode(),
                    record.storeTimestampMs(), record.keyCount());
                return;
            }
            if (lateDamaged.add(queue))
            {
                LOG.warn("record does not follow its consume queue, queue will be rebuilt: queue={}, queueOffset={}, " +
                    "expected={}, logOffset={}", queue, record.queueOffset(), queue.consumeQueue().maxOffset(), logOffset);
            }
            applier.indexKeys(topic.nameBytes(), logOffset, record.storeTimestampMs(), record.keyCount());
        }
    }
}

package io.rocklet.store.internal.recovery;

import io.rocklet.store.RecoveryReport;
import io.rocklet.store.internal.dispatch.DispatchApplier;
import io.rocklet.store.DamagedRange;
import io.rocklet.store.internal.index.IndexFile;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.log.RecordView;
import io.rocklet.store.internal.queue.ConsumeQueue;
import io.rocklet.store.internal.queue.ConsumeQueueDescriptor;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Brings the store to a consistent state when it opens, without ever destroying an intact record. The
 * commit log is the truth:
 * <ol>
 *   <li>consume queues are loaded and cut at the checkpoint;</li>
 *   <li>the log is verified record by record (CRC32C) - all of it by default, else from the checkpoint - and
 *       each record below the checkpoint is checked against its consume-queue entry; damaged ranges
 *       followed by intact records are quarantined and skipped ({@link LogRepair}), a torn tail after the
 *       checkpoint is cut, and lost data below the checkpoint refuses the open unless repair was asked for;</li>
 *   <li>key-index files are checked entry by entry against the log; damaged or missing consume queues and
 *       index files are rebuilt from the log; records after the checkpoint are re-dispatched.</li>
 * </ol>
 * A record lost to damage leaves a hole entry in its consume queue, so later records keep their offsets.
 * Runs on the opening thread before any agent starts.
 */
public final class Recovery
{
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /**
     * @param verifyWholeLog   verify every record of the log on open, not only those after the checkpoint.
     * @param repairDamagedLog accept the loss of damaged data below the checkpoint that cannot be bridged.
     * @param fsync            sync quarantine files.
     */
    public record Options(boolean verifyWholeLog, boolean repairDamagedLog, boolean fsync)
    {
    }

    private final CommitLog log;
    private final TopicTable topics;
    private final KeyIndex index;
    private final DispatchApplier applier;
    private final NanoClock nanoClock;
    private final Options options;
    private final LogRepair repair;
    /** Scans after the repair pass, which verified every CRC of the range: headers only. */
    private final LogScanner scanner = new LogScanner(false);
    private final List<DamagedRange> damaged = new ArrayList<>();
    private String damageBelowCheckpoint = "";
    private boolean gapsInLog;

    /**
     * @param writePosition        where the next record goes.
     * @param lastStoreTimestampMs store time of the last record (store times never go back).
     * @param report               what was found and done.
     */
    public record Result(long writePosition, long lastStoreTimestampMs, RecoveryReport report)
    {
    }

    public Recovery(final CommitLog log, final TopicTable topics, final KeyIndex index, final DispatchApplier applier,
        final NanoClock nanoClock, final Path storeDirectory, final Options options)
    {
        this.log = log;
        this.topics = topics;
        this.index = index;
        this.applier = applier;
        this.nanoClock = nanoClock;
        this.options = options;
        this.repair = new LogRepair(log, new Quarantine(storeDirectory, options.fsync()), options.repairDamagedLog());
    }

    public Result run(final boolean cleanShutdown, final Checkpoint checkpoint)
    {
        final long started = nanoClock.nanoTime();
        final long min = log.minOffset();
        final LogSegment last = log.lastSegment();
        final long limit = last == null ? min : last.endOffset();
        long position = checkpoint == null ? min : Math.max(min, Math.min(checkpoint.position(), limit));
        final long trustedEnd = checkpoint == null ? min : Math.max(min, checkpoint.position());
        if (checkpoint != null && checkpoint.position() > limit)
        {
            LOG.warn("checkpoint is beyond the end of the log (segments deleted by hand?): checkpoint={}, logEnd={}",
                checkpoint.position(), limit);
        }

        final QueueLoader loader = new QueueLoader(topics, log);
        final Set<QueueState> damagedQueues = loader.load(checkpoint, position);
        topics.all().forEach(TopicState::resetQueuesHoldingDeleted); // a delete the dispatcher had not applied
        final QueueCheck queueCheck = new QueueCheck(position, damagedQueues);
        LogRepair.Result repaired = repair.run(options.verifyWholeLog() ? min : position, trustedEnd, queueCheck);
        record(repaired);
        if (repaired.endPosition() < position)
        {
            return restartWithoutCheckpoint(cleanShutdown, position, repaired);
        }
        final List<Long> damagedIndexFiles = loadIndex(cleanShutdown, checkpoint);
        if (!damagedQueues.isEmpty() || !damagedIndexFiles.isEmpty())
        {
            if (!options.verifyWholeLog() && position > min)
            {
                // the rebuild reads the log below the checkpoint: verify that part first
                repaired = repair.run(min, position, (record, logOffset) -> { });
                record(repaired);
            }
            rebuild(min, position, damagedQueues, indexRanges(damagedIndexFiles, checkpoint, position), checkpoint);
        }

        final TailDispatch tail = new TailDispatch();
        final LogScanner.Outcome outcome = scanner.scan(log, position, Long.MAX_VALUE, tail);
        final long end = outcome.endPosition();
        final Set<QueueState> rebuiltQueues = new LinkedHashSet<>(damagedQueues);
        if (!tail.lateDamaged.isEmpty())
        {
            rebuild(log.minOffset(), end, tail.lateDamaged, List.of(), checkpoint);
            rebuiltQueues.addAll(tail.lateDamaged);
        }
        if (gapsInLog)
        {
            // the last records of a queue lost to damage keep their offsets: new messages never reuse them
            // (at most as many as the damaged bytes could have held: a damaged queue file may claim anything)
            final long mostLost = damaged.stream().mapToLong(DamagedRange::bytes).sum() /
                io.rocklet.store.internal.log.RecordDescriptor.HEADER_LENGTH + 1;
            loader.knownNext().forEach((queue, next) ->
            {
                final long max = queue.consumeQueue().maxOffset();
                if (max < next && next - max <= mostLost)
                {
                    fillHoles(queue, next, end);
                }
            });
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
        final String problem = !repaired.tailProblem().isEmpty() ? repaired.tailProblem() : damageBelowCheckpoint;
        final RecoveryReport report = new RecoveryReport(cleanShutdown, position, end,
            repaired.records(), droppedBytes, droppedRecords, problem,
            rebuiltQueues.stream().map(QueueState::toString).toList(), damagedIndexFiles, damaged,
            TimeUnit.NANOSECONDS.toMillis(nanoClock.nanoTime() - started));
        logReport(report);
        return new Result(end, lastStoreTimestamp, report);
    }

    private long droppedBytes;
    private long droppedRecords;

    private void record(final LogRepair.Result repaired)
    {
        damaged.addAll(repaired.damaged());
        droppedBytes += repaired.droppedBytes();
        droppedRecords += repaired.droppedRecords();
        gapsInLog |= !repaired.damaged().isEmpty() || repaired.knownGaps() > 0;
    }

    /**
     * The operator asked to repair a log that lost records below the checkpoint: the log was cut where its
     * intact records end, so nothing built from the checkpoint can be trusted. Drop the consume queues and
     * recover as after a crash without a checkpoint.
     */
    private Result restartWithoutCheckpoint(final boolean cleanShutdown, final long checkpointPosition,
        final LogRepair.Result repaired)
    {
        LOG.error("log damaged below the checkpoint, cut by request (repairDamagedLog): checkpoint={}, intactUpTo={}",
            checkpointPosition, repaired.endPosition());
        for (final TopicState topic : topics.all())
        {
            for (final QueueState queue : topic.queues())
            {
                queue.consumeQueue().reset(0);
            }
        }
        index.close();
        damageBelowCheckpoint = "log damaged at offset " + repaired.endPosition() + ", below the checkpoint at " +
            checkpointPosition + "; cut by request";
        return run(cleanShutdown, null);
    }

    private List<Long> loadIndex(final boolean cleanShutdown, final Checkpoint checkpoint)
    {
        final List<Long> damaged = new ArrayList<>(index.load());
        if (!cleanShutdown)
        {
            index.recountNewest();
        }
        final long minLogOffset = log.minOffset();
        for (final IndexFile file : index.files())
        {
            // entries of records that retention deleted are not checked; the file goes when all of them are
            // (a recovery without a checkpoint re-indexes into the newest file, so entries may sit below its base)
            if (!file.verify((hash, logOffset, timestamp) -> logOffset >= 0 &&
                (logOffset < minLogOffset || applier.indexedUnder(logOffset, hash, timestamp))))
            {
                LOG.warn("key-index file disagrees with the log, rebuilding it: base={}", file.baseLogOffset());
                index.discard(file);
                damaged.add(file.baseLogOffset());
            }
        }
        if (checkpoint != null)
        {
            final Set<Long> present = new LinkedHashSet<>();
            for (final IndexFile file : index.files())
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
        final Map<String, Long> firsts = new HashMap<>();
        if (checkpoint != null)
        {
            checkpoint.queues().forEach(m -> firsts.put(m.topic() + ":" + m.queueId(), m.minOffset()));
        }
        final boolean logStartsAtZero = log.minOffset() == 0;
        final TopicCache cache = new TopicCache();
        final LogScanner.Outcome outcome = new LogScanner(false).scan(log, scanFrom, to, (record, logOffset) ->
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
                    // a queue whose first records were lost to damage still starts where it started
                    final long first = firsts.getOrDefault(queue.toString(), logStartsAtZero ? 0L : record.queueOffset());
                    cq.startAt(gapsInLog ? Math.min(first, record.queueOffset()) : record.queueOffset());
                }
                if (record.queueOffset() > cq.maxOffset())
                {
                    fillHoles(queue, record.queueOffset(), logOffset);
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

    /** Entries for the records of {@code queue} that damage took, up to {@code queueOffset}. */
    private static void fillHoles(final QueueState queue, final long queueOffset, final long nextLogOffset)
    {
        final ConsumeQueue cq = queue.consumeQueue();
        LOG.warn("consume queue entries lost to damage, kept as holes: queue={}, fromOffset={}, toOffset={}", queue,
            cq.maxOffset(), queueOffset);
        for (long offset = cq.maxOffset(); offset < queueOffset; offset++)
        {
            cq.append(offset, nextLogOffset, ConsumeQueueDescriptor.HOLE_SIZE, 0L);
        }
    }

    private static void logReport(final RecoveryReport report)
    {
        if (report.repaired() || !report.tailProblem().isEmpty())
        {
            LOG.warn("store recovered with repairs: cleanShutdown={}, checkpoint={}, logEnd={}, recordsVerified={}, " +
                    "damagedRanges={}, skippedBytes={}, skippedRecords={}, droppedBytes={}, droppedRecords={}, " +
                    "tailProblem=\"{}\", rebuiltQueues={}, rebuiltIndexFiles={}, durationMs={}", report.cleanShutdown(),
                report.checkpointPosition(), report.logEndPosition(), report.recordsScanned(),
                report.damagedRanges().size(), report.skippedBytes(), report.skippedRecords(), report.droppedBytes(),
                report.droppedRecords(), report.tailProblem(), report.rebuiltQueues(), report.rebuiltIndexFiles(),
                report.durationMs());
        }
        else
        {
            LOG.info("store recovered: cleanShutdown={}, checkpoint={}, logEnd={}, recordsVerified={}, durationMs={}",
                report.cleanShutdown(), report.checkpointPosition(), report.logEndPosition(), report.recordsScanned(),
                report.durationMs());
        }
    }

    /**
     * Checks each intact record below the checkpoint against its consume-queue entry; a queue whose entry is
     * missing or says something else is damaged and will be rebuilt.
     */
    private final class QueueCheck implements LogScanner.RecordHandler
    {
        private final long position;
        private final Set<QueueState> damagedQueues;
        private final TopicCache cache = new TopicCache();

        QueueCheck(final long position, final Set<QueueState> damagedQueues)
        {
            this.position = position;
            this.damagedQueues = damagedQueues;
        }

        @Override
        public void onRecord(final RecordView record, final long logOffset)
        {
            if (logOffset >= position)
            {
                return;
            }
            final TopicState topic = cache.resolve(record);
            if (topic.isDeleted(logOffset))
            {
                return; // stored before its topic was deleted: no entry of the topic's queues points to it
            }
            final QueueState queue = topic.getOrCreateQueue(record.queueId());
            final ConsumeQueue cq = queue.consumeQueue();
            if (damagedQueues.contains(queue))
            {
                return;
            }
            // a record still in the log is above its queue's minimum (retention trims queues with the log)
            if (record.queueOffset() < cq.minOffset())
            {
                LOG.warn("consume queue starts above a record still in the log, queue will be rebuilt: queue={}, " +
                    "queueOffset={}, minOffset={}, logOffset={}", queue, record.queueOffset(), cq.minOffset(), logOffset);
                damagedQueues.add(queue);
                return;
            }
            if (!cq.entryEquals(record.queueOffset(), logOffset, record.length(), record.tagCode()))
            {
                LOG.warn("consume queue entry disagrees with the log, queue will be rebuilt: queue={}, queueOffset={}, " +
                    "logOffset={}", queue, record.queueOffset(), logOffset);
                damagedQueues.add(queue);
            }
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
            if (!lateDamaged.contains(queue) && gapsInLog && record.queueOffset() > queue.consumeQueue().maxOffset())
            {
                fillHoles(queue, record.queueOffset(), logOffset);
            }
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

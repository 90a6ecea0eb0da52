package io.rocklet.broker.timer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TagFilter;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.api.spi.BrokerService.TimerProgress;
import io.rocklet.broker.internal.BrokerFiles;
import io.rocklet.broker.internal.DelayedDelivery;
import io.rocklet.broker.internal.Delays;
import io.rocklet.broker.internal.PendingCounts;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * Delivers messages at their delivery time (RocketMQ 5's timer, F20). A timed send is stored once, in
 * {@link SystemTopics#TIMER_TOPIC} queue {@value Delays#TIMER_QUEUE} (see {@link Delays}). Two steps of the broker
 * agent move it on:
 * <ol>
 *   <li><b>index</b>: reads the timer queue in order from {@code indexed} and writes a 16-byte entry
 *       (due time, queue offset) into the file of the message's time bucket ({@link TimerBuckets});</li>
 *   <li><b>deliver</b>: loads the earliest bucket due into a heap ({@link DueHeap}, that bucket's entries only) and,
 *       in (due time, queue offset) order, reads each due message from the timer queue and appends it to its real
 *       topic and queue; the {@code cursor} is the last delivered (due time, queue offset). A bucket is deleted when
 *       it is past and empty.</li>
 * </ol>
 * Nothing per pending message lives on the heap apart from the bucket being delivered: millions may wait in the
 * bucket files. Progress is the file {@value #CHECKPOINT} of the broker directory (written with {@link BrokerFiles}
 * after the bucket files are synced, every {@code offsetPersistInterval} and on close):
 *
 * <pre>
 * indexed &lt;timer queue offset&gt;     entries below it are in bucket files (or were delivered at once)
 * cursor &lt;dueMs&gt; &lt;queueOffset&gt;    everything in bucket files up to it is delivered
 * handled &lt;timer queue offset&gt;     entries below it at or before the cursor were delivered by the master whose
 *                                  progress this broker followed as a slave
 * pending &lt;topic&gt; &lt;count&gt;         messages waiting per real topic
 * </pre>
 *
 * After a crash, indexing is redone from {@code indexed} (an entry found twice in a bucket is delivered once; a
 * message at or before the cursor is delivered at once) and delivery from the cursor: nothing due is lost, and
 * what was delivered after the last checkpoint is delivered again (at least once). Delivery waits until indexing
 * has caught up with the timer queue as recovery left it, so that every recall record is indexed first.
 *
 * <p><b>Recall</b> ({@link #recall}): a waiting message is cancelled by appending a <em>recall record</em> to the
 * timer queue (its due time, {@link SystemProperties#RECALL_QUEUE_OFFSET} naming the message's queue offset, and the
 * message's unique id). Indexing writes it into the message's bucket as a marker entry (a negative queue offset,
 * see {@link TimerBuckets}); a bucket's markers are loaded with it and delivery skips what they name. Until the
 * record is indexed, the recalled offset is held in memory (a few at most); the log holds the record, so the
 * cancel survives a restart and a crash. Memory stays bounded: the markers of the bucket being delivered only.
 *
 * <p><b>Replica sets</b>: only a master runs the timer. A slave takes its master's {@link #progress()} with every
 * metadata copy ({@link #follow}; applied by the agent thread when it next runs the timer, and on {@link #persist}):
 * the master's cursor and how far it indexed. Once promoted it indexes the timer queue from its own position and
 * skips what the master handled (at or before the cursor, below the master's indexed offset) while everything after
 * the cursor goes into its buckets: nothing waiting is lost, and what the master delivered after the last copy (at
 * most a metadata-sync interval) may be delivered again.
 *
 * <p>Owned by the broker agent thread (and the closing thread once the agent stopped); {@link #pendingByTopic()}
 * may be read from any thread.
 */
public final class TimerService implements DelayedDelivery, AutoCloseable
{
    /** The broker directory's sub-directory of bucket files. */
    public static final String DIRECTORY = "timer";
    public static final String CHECKPOINT = "timerCheckpoint";
    /** Width of a bucket: a bucket's entries are all that the heap holds at once. */
    public static final long DEFAULT_BUCKET_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(TimerService.class);
    private static final int BATCH = 64;
    private static final int BATCH_BYTES = 1 << 20;
    private static final long NONE = -1;

    private final MessageStore store;
    private final EpochClock clock;
    private final TimerBuckets buckets;
    private final Path checkpoint;
    private final boolean fsync;
    private final DueHeap heap = new DueHeap();
    /** Queue offsets of the current bucket's messages that were recalled (its marker entries). */
    private final LongHashSet cancelled = new LongHashSet();
    /** Queue offsets of recalled messages whose recall record is not indexed yet. */
    private final LongHashSet recalled = new LongHashSet();
    private final PendingCounts pending = new PendingCounts();
    private final TimedDelivery delivery;
    private long indexed;
    private long cursorDueMs;
    private long cursorOffset = -1;
    /** Timer-queue offsets below it, at or before the cursor, were handled by the master this broker followed. */
    private long handledBelow;
    /** This timer's progress for the slaves, published by the agent thread. */
    private volatile TimerProgress published = TimerProgress.NONE;
    /** The master's progress, handed over by the replication thread, applied by the agent thread. */
    private volatile TimerProgress followed;
    private long current = NONE;
    /** Delivery waits until indexing reaches this offset: the end of the timer queue when the broker started. */
    private long recoveredEnd;
    private boolean dirty;

    private TimerService(final MessageStore store, final EpochClock clock, final Path directory,
        final boolean fsync, final long bucketMs)
    {
        this.store = store;
        this.clock = clock;
        this.fsync = fsync;
        this.checkpoint = directory.resolve(CHECKPOINT);
        this.buckets = TimerBuckets.open(directory.resolve(DIRECTORY), bucketMs);
        this.delivery = new TimedDelivery(store, pending, BATCH, BATCH_BYTES);
    }

    /**
     * Opens the bucket files and loads the checkpoint of the broker directory {@code directory}.
     */
    public static TimerService load(final MessageStore store, final EpochClock clock, final Path directory,
        final boolean fsync, final long bucketMs)
    {
        if (bucketMs < 1)
        {
            throw new InvalidArgumentException("illegal timer bucket: bucketMs=" + bucketMs + ", allowed: >= 1");
        }
        final TimerService timer = new TimerService(store, clock, directory, fsync, bucketMs);
        final TimerCheckpoint saved = TimerCheckpoint.read(timer.checkpoint, timer.pending);
        timer.indexed = saved.indexed();
        timer.cursorDueMs = saved.cursorDueMs();
        timer.cursorOffset = saved.cursorOffset();
        timer.handledBelow = saved.handledBelow();
        timer.recoveredEnd = store.maxOffset(SystemTopics.TIMER_TOPIC, Delays.TIMER_QUEUE);
        timer.publish();
        return timer;
    }

    @Override
    public int deliverDue()
    {
        takeFollowed();
        final long nowMs = clock.time();
        if (nowMs < delivery.notBeforeMs())
        {
            return 0;
        }
        final int indexedNow = index(nowMs);
        final int work = indexed < recoveredEnd ? indexedNow : indexedNow + deliver(nowMs);
        if (work > 0)
        {
            publish();
        }
        return work;
    }

    /**
     * @return how far this timer got, for the slaves; any thread.
     */
    public TimerProgress progress()
    {
        return published;
    }

    /**
     * A slave takes its master's progress (see the class comment); any thread.
     */
    public void follow(final TimerProgress master)
    {
        if (master != null && !master.equals(published))
        {
            followed = master;
        }
    }

    private void takeFollowed()
    {
        final TimerProgress master = followed;
        if (master == null)
        {
            return;
        }
        followed = null;
        if (DueHeap.less(cursorDueMs, cursorOffset, master.cursorDueMs(), master.cursorOffset()))
        {
            cursorDueMs = master.cursorDueMs();
            cursorOffset = master.cursorOffset();
        }
        handledBelow = Math.max(handledBelow, master.indexed());
        // delivery waits until the timer queue as replicated so far is indexed (its recall records first)
        recoveredEnd = Math.max(recoveredEnd, store.maxOffset(SystemTopics.TIMER_TOPIC, Delays.TIMER_QUEUE));
        dirty = true;
        publish();
    }

    private void publish()
    {
        final TimerProgress now = new TimerProgress(Math.max(indexed, handledBelow), cursorDueMs, cursorOffset);
        if (!now.equals(published))
        {
            published = now;
        }
    }

    @Override
    public boolean holds(final StoredMessage copy)
    {
        return SystemTopics.TIMER_TOPIC.equals(copy.topic());
    }

    /**
     * Recalls a message waiting in the timer queue: appends its recall record (see the class comment). Indexes the
     * timer queue up to the message first, so that a recall is always indexed after its message.
     *
     * @param waiting the message as stored in the timer queue.
     * @throws RockletException BUSY (retriable) when the timer queue cannot be indexed up to the message now, or the
     *                          store's error when it refuses the recall record.
     */
    @Override
    public RecallStatus recall(final StoredMessage waiting)
    {
        if (waiting.properties().containsKey(SystemProperties.RECALL_QUEUE_OFFSET))
        {
            return RecallStatus.ALREADY_RECALLED;
        }
        final long nowMs = clock.time();
        final long dueMs = TimerRecords.dueMs(waiting, waiting.properties());
        final long offset = waiting.queueOffset();
        if (dueMs <= nowMs)
        {
            return RecallStatus.ALREADY_DUE;
        }
        if (recalled.contains(offset) || cancelled.contains(offset))
        {
            return RecallStatus.ALREADY_RECALLED;
        }
        while (indexed <= offset)
        {
            if (index(nowMs) == 0)
            {
                throw new RockletException(ErrorCode.BUSY, "timer cannot index up to the recalled message now: " +
                    "topic=" + TimerRecords.realTopic(waiting.properties()) + ", queueOffset=" + offset + ", indexed=" + indexed);
            }
        }
        store.append(TimerRecords.recallRecord(waiting, dueMs));
        recalled.add(offset);
        return RecallStatus.RECALLED;
    }

    @Override
    public int persist()
    {
        takeFollowed();
        if (!dirty)
        {
            return 0;
        }
        if (fsync)
        {
            buckets.sync();
        }
        new TimerCheckpoint(indexed, cursorDueMs, cursorOffset, handledBelow).write(checkpoint, pending, fsync);
        dirty = false;
        return 1;
    }

    /**
     * @return per real topic, how many timed messages wait (topics with none left out), sorted by topic.
     */
    public Map<String, Long> pendingByTopic()
    {
        return pending.snapshot();
    }

    /**
     * @return how many entries the heap holds now (the bucket being delivered), for tests of the bound.
     */
    int loadedEntries()
    {
        return heap.size();
    }

    /**
     * @return how many bucket files exist.
     */
    int bucketFiles()
    {
        return buckets.count();
    }

    @Override
    public void close()
    {
        buckets.close();
    }

    private int index(final long nowMs)
    {
        if (indexed >= store.maxOffset(SystemTopics.TIMER_TOPIC, Delays.TIMER_QUEUE))
        {
            return 0;
        }
        try
        {
            return indexBatch(nowMs);
        }
        finally
        {
            buckets.flush();
        }
    }

    private int indexBatch(final long nowMs)
    {
        final ReadResult read = store.read(SystemTopics.TIMER_TOPIC, Delays.TIMER_QUEUE, indexed, BATCH,
            BATCH_BYTES, TagFilter.ALL);
        if (read.status() != ReadStatus.FOUND)
        {
            if (read.nextOffset() > indexed)
            {
                LOG.warn("timer queue skipped unreadable messages: from={}, to={}, status={}", indexed,
                    read.nextOffset(), read.status());
                indexed = read.nextOffset();
                dirty = true;
            }
            return 0;
        }
        int work = 0;
        for (final StoredMessage message : read.messages())
        {
            final Map<String, String> properties = message.properties(); // decoded once
            final long dueMs = TimerRecords.dueMs(message, properties);
            final long offset = message.queueOffset();
            final String target = properties.get(SystemProperties.RECALL_QUEUE_OFFSET);
            if (target != null)
            {
                indexRecall(TimerRecords.recall(message, properties), dueMs, target);
            }
            else if (dueMs > 0 && !DueHeap.less(cursorDueMs, cursorOffset, dueMs, offset))
            {
                if (offset < handledBelow)
                {
                    LOG.trace("timed message handled by the former master: queueOffset={}", offset);
                }
                else if (recalled.contains(offset))
                {
                    pending.increment(TimerRecords.realTopic(properties)); // its recall record takes it off
                }
                else if (!delivery.deliver(message, nowMs, false))
                {
                    return work; // retried later, from this message
                }
            }
            else if (dueMs > 0)
            {
                final long bucket = bucketFor(dueMs);
                buckets.append(bucket, dueMs, offset);
                if (bucket == current)
                {
                    heap.push(dueMs, offset);
                }
                pending.increment(TimerRecords.realTopic(properties));
            }
            indexed = offset + 1;
            dirty = true;
            work++;
        }
        return work;
    }

    /**
     * Writes a recall record's marker into the bucket of the message it recalls (unless delivery passed it already:
     * it was skipped) and takes the message off the pending count.
     */
    private void indexRecall(final TimerRecords.RecallRecord record, final long dueMs, final String target)
    {
        final long offset;
        try
        {
            offset = Long.parseLong(target);
        }
        catch (final NumberFormatException e)
        {
            LOG.warn("skipping malformed timer recall record: queueOffset={}, {}={}", record.queueOffset(),
                SystemProperties.RECALL_QUEUE_OFFSET, target);
            return;
        }
        if (dueMs > 0 && offset >= 0)
        {
            final boolean waiting = DueHeap.less(cursorDueMs, cursorOffset, dueMs, offset);
            if (waiting)
            {
                final long bucket = bucketFor(dueMs);
                buckets.append(bucket, dueMs, TimerBuckets.marker(offset));
                if (bucket == current)
                {
                    cancelled.add(offset);
                }
            }
            if (waiting || offset >= handledBelow)
            {
                pending.decrement(record.realTopic()); // a message the former master handled was never counted here
            }
        }
        recalled.remove(offset);
    }

    private long bucketFor(final long dueMs)
    {
        return current == NONE ? buckets.bucketOf(dueMs) : Math.max(buckets.bucketOf(dueMs), current);
    }

    private int deliver(final long nowMs)
    {
        int work = 0;
        while (work < BATCH)
        {
            if (current == NONE)
            {
                final long first = buckets.first();
                if (first == NONE || first > nowMs)
                {
                    return work;
                }
                current = first;
                heap.clear();
                cancelled.clear();
                buckets.load(first, heap, cancelled);
            }
            if (heap.isEmpty())
            {
                if (nowMs < current + buckets.bucketMs())
                {
                    return work;
                }
                buckets.delete(current);
                current = NONE;
                continue;
            }
            final long dueMs = heap.peekDueMs();
            final long offset = heap.peekOffset();
            if (!DueHeap.less(cursorDueMs, cursorOffset, dueMs, offset))
            {
                heap.pop(); // delivered before (an entry written twice, or delivered before a restart)
                continue;
            }
            if (dueMs > nowMs)
            {
                return work;
            }
            if (recalled.contains(offset) || cancelled.contains(offset))
            {
                heap.pop(); // recalled: never delivered
                cursorDueMs = dueMs;
                cursorOffset = offset;
                dirty = true;
                work++;
                continue;
            }
            if (!delivery.deliverAt(offset, nowMs))
            {
                return work;
            }
            heap.pop();
            cursorDueMs = dueMs;
            cursorOffset = offset;
            dirty = true;
            work++;
        }
        return work;
    }
}

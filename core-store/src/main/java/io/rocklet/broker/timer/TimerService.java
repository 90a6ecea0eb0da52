package io.rocklet.broker.timer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
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
import java.util.HashMap;
import java.util.List;
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
    private static final long RETRY_AFTER_FAILURE_MS = 1000;
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
    private long notBeforeMs;
    /** Delivery waits until indexing reaches this offset: the end of the timer queue when the broker started. */
    private long recoveredEnd;
    /** The timer-queue messages read last for delivery, from {@link #readAheadFirst}: due order is mostly send order. */
    private List<StoredMessage> readAhead = List.of();
    private long readAheadFirst = -1;
    private int readAheadCount = 1;
    private boolean dirty;

    private TimerService(final MessageStore store, final EpochClock clock, final Path directory,
        final boolean fsync, final long bucketMs)
    {
        this.store = store;
        this.clock = clock;
        this.fsync = fsync;
        this.checkpoint = directory.resolve(CHECKPOINT);
        this.buckets = TimerBuckets.open(directory.resolve(DIRECTORY), bucketMs);
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
        for (final String[] record : BrokerFiles.read(timer.checkpoint))
        {
            try
            {
                if (record.length == 2 && record[0].equals("indexed"))
                {
                    timer.indexed = Long.parseLong(record[1]);
                }
                else if (record.length == 3 && record[0].equals("cursor"))
                {
                    timer.cursorDueMs = Long.parseLong(record[1]);
                    timer.cursorOffset = Long.parseLong(record[2]);
                }
                else if (record.length == 2 && record[0].equals("handled"))
                {
                    timer.handledBelow = Long.parseLong(record[1]);
                }
                else if (record.length == 3 && record[0].equals(PendingCounts.RECORD))
                {
                    timer.pending.set(record[1], Long.parseLong(record[2]));
                }
                else
                {
                    LOG.warn("skipping timer checkpoint record: file={}, record={}", timer.checkpoint,
                        String.join(" ", record));
                }
            }
            catch (final NumberFormatException e)
            {
                LOG.warn("skipping timer checkpoint record: file={}, record={}, error={}", timer.checkpoint,
                    String.join(" ", record), e.toString());
            }
        }
        timer.recoveredEnd = store.maxOffset(SystemTopics.TIMER_TOPIC, Delays.TIMER_QUEUE);
        timer.publish();
        return timer;
    }

    @Override
    public int deliverDue()
    {
        takeFollowed();
        final long nowMs = clock.time();
        if (nowMs < notBeforeMs)
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
        final long dueMs = dueMs(waiting, waiting.properties());
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
                    "topic=" + realTopic(waiting.properties()) + ", queueOffset=" + offset + ", indexed=" + indexed);
            }
        }
        store.append(recallRecord(waiting, dueMs));
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
        final List<String> records = new ArrayList<>();
        records.add("indexed " + indexed);
        records.add("cursor " + cursorDueMs + " " + cursorOffset);
        records.add("handled " + handledBelow);
        pending.addRecords(records);
        BrokerFiles.write(checkpoint, "timer-checkpoint", records, fsync);
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
            final long dueMs = dueMs(message, properties);
            final long offset = message.queueOffset();
            final String target = properties.get(SystemProperties.RECALL_QUEUE_OFFSET);
            if (target != null)
            {
                indexRecall(record(message, properties), dueMs, target);
            }
            else if (dueMs > 0 && !DueHeap.less(cursorDueMs, cursorOffset, dueMs, offset))
            {
                if (offset < handledBelow)
                {
                    LOG.trace("timed message handled by the former master: queueOffset={}", offset);
                }
                else if (recalled.contains(offset))
                {
                    pending.increment(realTopic(properties)); // its recall record takes it off
                }
                else if (!deliver(message, nowMs, false))
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
                pending.increment(realTopic(properties));
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
    private void indexRecall(final RecallRecord record, final long dueMs, final String target)
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
            if (!deliverAt(offset, nowMs))
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

    /**
     * Reads the message at {@code offset} of the timer queue and delivers it.
     *
     * @return false when delivery failed and is retried later.
     */
    private boolean deliverAt(final long offset, final long nowMs)
    {
        final long index = offset - readAheadFirst;
        if (index >= 0 && index < readAhead.size() && readAhead.get((int)index).queueOffset() == offset)
        {
            return deliver(readAhead.get((int)index), nowMs, true);
        }
        // sequential due order (the usual case) reads ahead more and more; any other order reads one at a time
        readAheadCount = offset == readAheadFirst + readAhead.size() ? Math.min(BATCH, readAheadCount * 2) : 1;
        final ReadResult read = store.read(SystemTopics.TIMER_TOPIC, Delays.TIMER_QUEUE, offset, readAheadCount,
            BATCH_BYTES, TagFilter.ALL);
        if (read.status() != ReadStatus.FOUND || read.messages().isEmpty() ||
            read.messages().get(0).queueOffset() != offset)
        {
            LOG.warn("timed message unreadable, skipped: queueOffset={}, status={}", offset, read.status());
            return true;
        }
        readAhead = read.messages();
        readAheadFirst = offset;
        return deliver(readAhead.get(0), nowMs, true);
    }

    /**
     * Appends a timed message to its real topic.
     *
     * @param counted it is counted in {@link #pending}.
     * @return false when the store refused it for a reason that may pass (retried after a second).
     */
    private boolean deliver(final StoredMessage message, final long nowMs, final boolean counted)
    {
        String topic = null;
        try
        {
            final AppendRequest append = Delays.toRealTopic(message); // decodes the properties once
            topic = append.message().topic();
            store.append(append);
        }
        catch (final InvalidArgumentException e)
        {
            LOG.warn("skipping timed message the store refuses: queueOffset={}, error={}", message.queueOffset(),
                e.getMessage());
        }
        catch (final RockletException e)
        {
            LOG.warn("cannot deliver timed message, retrying: queueOffset={}, retryInMs={}, error={}",
                message.queueOffset(), RETRY_AFTER_FAILURE_MS, e.toString());
            notBeforeMs = nowMs + RETRY_AFTER_FAILURE_MS;
            return false;
        }
        if (counted)
        {
            pending.decrement(topic != null ? topic : realTopic(message.properties()));
        }
        return true;
    }

    /**
     * @return the recall record of a waiting message: same real topic, due time and unique id, no body.
     */
    private static AppendRequest recallRecord(final StoredMessage waiting, final long dueMs)
    {
        final Map<String, String> properties = new HashMap<>();
        properties.put(SystemProperties.REAL_TOPIC, realTopic(waiting.properties()));
        properties.put(SystemProperties.DELIVER_AT_MS, Long.toString(dueMs));
        properties.put(SystemProperties.RECALL_QUEUE_OFFSET, Long.toString(waiting.queueOffset()));
        final String uniqueId = waiting.properties().get(SystemProperties.UNIQUE_ID);
        if (uniqueId != null)
        {
            properties.put(SystemProperties.UNIQUE_ID, uniqueId);
        }
        return new AppendRequest(new Message(SystemTopics.TIMER_TOPIC, "", List.of(), properties, new byte[0]),
            Delays.TIMER_QUEUE, waiting.bornTimestampMs(), waiting.producerId(), 0, 0L, 0);
    }

    private static long dueMs(final StoredMessage message, final Map<String, String> properties)
    {
        final String due = properties.get(SystemProperties.DELIVER_AT_MS);
        try
        {
            return Long.parseLong(due);
        }
        catch (final NumberFormatException e)
        {
            LOG.warn("skipping timed message without a valid due time: queueOffset={}, {}={}",
                message.queueOffset(), SystemProperties.DELIVER_AT_MS, due);
            return -1;
        }
    }

    private static String realTopic(final Map<String, String> properties)
    {
        final String topic = properties.get(SystemProperties.REAL_TOPIC);
        return topic == null ? "" : topic;
    }

    /**
     * A recall record as indexing sees it.
     */
    private record RecallRecord(long queueOffset, String realTopic)
    {
    }

    private static RecallRecord record(final StoredMessage message, final Map<String, String> properties)
    {
        return new RecallRecord(message.queueOffset(), realTopic(properties));
    }
}

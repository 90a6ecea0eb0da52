package io.rocklet.broker.transaction;

import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TagFilter;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.broker.internal.BrokerFiles;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The transactions a broker holds open, how far the half and op topics are indexed, the latest outcomes and the
 * transactions rolled back after the maximum number of checks; checkpointed in the broker directory's file
 * {@value #CHECKPOINT} (written with {@link BrokerFiles}, like the timer's checkpoint):
 *
 * <pre>
 * open &lt;half offset&gt; &lt;checks&gt;                  an open transaction (the rest is read from its half message)
 * expired &lt;half offset&gt; &lt;storedMs&gt; &lt;checks&gt; &lt;group&gt; &lt;topic&gt; &lt;messageId&gt;   rolled back after max checks
 * indexed &lt;half offset&gt; &lt;op offset&gt;           last: half messages and op records below are in the table
 * </pre>
 *
 * The positions come last, so a file cut short (whose {@code open} records may be missing) has none, and the table
 * is rebuilt from the start of both topics.
 * After a crash the half and op records after the checkpoint's positions are indexed again: a transaction finished
 * after the checkpoint is finished again by its op record. Records this broker appended itself are applied at once;
 * when the index had not reached them yet (a new master still indexing what it replicated) they are remembered and
 * skipped when the index reaches them. Guarded by the {@link TransactionService}'s monitor.
 */
final class TransactionTable
{
    static final String CHECKPOINT = "transactionCheckpoint";
    private static final Logger LOG = LoggerFactory.getLogger(TransactionTable.class);
    private static final int MAX_EXPIRED = 1000;
    private static final int MAX_OUTCOMES = 100_000;

    private final MessageStore store;
    private final Path checkpoint;
    private final boolean fsync;
    private final TreeMap<Long, Open> open = new TreeMap<>();
    private final ArrayDeque<TransactionInfo> expired = new ArrayDeque<>();
    /** Half offset to committed (true) or rolled back, the latest ones. */
    private final LinkedHashMap<Long, Boolean> outcomes = new LinkedHashMap<>(1024, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<Long, Boolean> eldest)
        {
            return size() > MAX_OUTCOMES;
        }
    };
    private final LongHashSet halvesAhead = new LongHashSet();
    private final LongHashSet opsAhead = new LongHashSet();
    private long indexedHalf;
    private long indexedOp;
    private boolean dirty;

    /**
     * An open transaction.
     *
     * @param commit the append that commits it, kept for a half message this broker stored since it started (so that
     *               a commit does not wait until the half message is readable); null for one read back from the log
     *               (after a restart, or replicated), for which a committed copy may exist without its op record.
     */
    record Open(long halfOffset, String group, String topic, String messageId, long storedMs, long timeoutMs,
        AppendRequest commit, int checks)
    {
        Open(final long halfOffset, final String group, final String topic, final String messageId,
            final long storedMs, final long timeoutMs, final AppendRequest commit)
        {
            this(halfOffset, group, topic, messageId, storedMs, timeoutMs, commit, 0);
        }

        boolean recovered()
        {
            return commit == null;
        }

        Open withChecks(final int count)
        {
            return new Open(halfOffset, group, topic, messageId, storedMs, timeoutMs, commit, count);
        }
    }

    private TransactionTable(final MessageStore store, final Path checkpoint, final boolean fsync)
    {
        this.store = store;
        this.checkpoint = checkpoint;
        this.fsync = fsync;
    }

    static TransactionTable load(final MessageStore store, final Path directory, final boolean fsync,
        final long defaultTimeoutMs)
    {
        final TransactionTable table = new TransactionTable(store, directory.resolve(CHECKPOINT), fsync);
        for (final String[] record : BrokerFiles.read(table.checkpoint))
        {
            try
            {
                table.loadRecord(record, defaultTimeoutMs);
            }
            catch (final RuntimeException e)
            {
                LOG.warn("skipping transaction checkpoint record: file={}, record={}, error={}", table.checkpoint,
                    String.join(" ", record), e.toString());
            }
        }
        // a log cut after a crash (ASYNC flush) may end before the checkpoint's positions: index from its end
        table.indexedHalf = Math.min(table.indexedHalf,
            store.maxOffset(SystemTopics.TRANSACTION_HALF_TOPIC, HalfMessages.QUEUE));
        table.indexedOp = Math.min(table.indexedOp,
            store.maxOffset(SystemTopics.TRANSACTION_OP_TOPIC, HalfMessages.QUEUE));
        return table;
    }

    private void loadRecord(final String[] record, final long defaultTimeoutMs)
    {
        if (record.length == 3 && record[0].equals("indexed"))
        {
            indexedHalf = Long.parseLong(record[1]);
            indexedOp = Long.parseLong(record[2]);
        }
        else if (record.length == 3 && record[0].equals("open"))
        {
            final long halfOffset = Long.parseLong(record[1]);
            final StoredMessage half = read(halfOffset);
            if (half == null)
            {
                LOG.warn("open transaction's half message is gone, dropped: file={}, halfOffset={}", checkpoint,
                    halfOffset);
                return;
            }
            final Open entry = fromHalf(half, defaultTimeoutMs);
            open.put(halfOffset, entry.withChecks(Integer.parseInt(record[2])));
        }
        else if (record.length == 7 && record[0].equals("expired"))
        {
            expired.addLast(new TransactionInfo(record[4], record[5], record[6], "", Long.parseLong(record[1]),
                Long.parseLong(record[2]), Integer.parseInt(record[3]),
                TransactionInfo.State.ROLLED_BACK_AFTER_MAX_CHECKS));
        }
        else
        {
            LOG.warn("skipping transaction checkpoint record: file={}, record={}", checkpoint,
                String.join(" ", record));
        }
    }

    long indexedHalf()
    {
        return indexedHalf;
    }

    long indexedOp()
    {
        return indexedOp;
    }

    int openCount()
    {
        return open.size();
    }

    Open open(final long halfOffset)
    {
        return open.get(halfOffset);
    }

    /**
     * @return the outcome of a finished transaction when remembered: true committed, false rolled back; else null.
     */
    Boolean outcome(final long halfOffset)
    {
        return outcomes.get(halfOffset);
    }

    /**
     * @param appended this broker appended the half message just now (not read back by the index).
     */
    void opened(final Open entry, final boolean appended)
    {
        open.put(entry.halfOffset(), entry);
        if (appended)
        {
            if (entry.halfOffset() == indexedHalf)
            {
                indexedHalf++;
            }
            else if (entry.halfOffset() > indexedHalf)
            {
                halvesAhead.add(entry.halfOffset());
            }
        }
        dirty = true;
    }

    void opAppended(final long opOffset)
    {
        if (opOffset == indexedOp)
        {
            indexedOp++;
        }
        else if (opOffset > indexedOp)
        {
            opsAhead.add(opOffset);
        }
        dirty = true;
    }

    void checked(final long halfOffset)
    {
        open.computeIfPresent(halfOffset, (offset, entry) -> entry.withChecks(entry.checks() + 1));
        dirty = true;
    }

    void finished(final long halfOffset, final String kind, final long nowMs)
    {
        final Open entry = open.remove(halfOffset);
        outcomes.put(halfOffset, HalfMessages.COMMIT.equals(kind));
        if (entry != null && HalfMessages.EXPIRED.equals(kind))
        {
            expired.addLast(new TransactionInfo(entry.group(), entry.topic(), entry.messageId(), "", halfOffset,
                entry.storedMs(), entry.checks(), TransactionInfo.State.ROLLED_BACK_AFTER_MAX_CHECKS));
            while (expired.size() > MAX_EXPIRED)
            {
                expired.removeFirst();
            }
        }
        dirty = true;
    }

    void indexHalf(final StoredMessage half, final long defaultTimeoutMs)
    {
        if (!halvesAhead.remove(half.queueOffset()) && !open.containsKey(half.queueOffset()))
        {
            open.put(half.queueOffset(), fromHalf(half, defaultTimeoutMs));
        }
    }

    void halfIndexedTo(final long offset)
    {
        indexedHalf = Math.max(indexedHalf, offset);
        dirty = true;
    }

    void indexOp(final StoredMessage op, final long nowMs)
    {
        if (opsAhead.remove(op.queueOffset()))
        {
            return;
        }
        final long halfOffset = HalfMessages.halfOffset(op);
        if (halfOffset < 0)
        {
            LOG.warn("skipping malformed transaction op record: queueOffset={}, {}={}", op.queueOffset(),
                SystemProperties.TRANSACTION_HALF_OFFSET, op.properties().get(SystemProperties.TRANSACTION_HALF_OFFSET));
            return;
        }
        if (HalfMessages.CHECK.equals(op.tag()))
        {
            checked(halfOffset);
        }
        else
        {
            finished(halfOffset, op.tag(), nowMs);
        }
    }

    void opIndexedTo(final long offset)
    {
        indexedOp = Math.max(indexedOp, offset);
        dirty = true;
    }

    /**
     * @return the open transactions at least as old as their timeout, by half offset.
     */
    List<Open> due(final long nowMs)
    {
        final List<Open> due = new ArrayList<>();
        for (final Open entry : open.values())
        {
            if (nowMs - entry.storedMs() >= entry.timeoutMs())
            {
                due.add(entry);
            }
        }
        return due;
    }

    List<TransactionInfo> list(final String group, final String brokerName)
    {
        final List<TransactionInfo> list = new ArrayList<>();
        for (final Open entry : open.values())
        {
            if (entry.group().equals(group))
            {
                list.add(new TransactionInfo(group, entry.topic(), entry.messageId(), brokerName, entry.halfOffset(),
                    entry.storedMs(), entry.checks(), TransactionInfo.State.OPEN));
            }
        }
        for (final TransactionInfo info : expired)
        {
            if (info.producerGroup().equals(group))
            {
                list.add(new TransactionInfo(group, info.topic(), info.messageId(), brokerName, info.halfOffset(),
                    info.storedMs(), info.checks(), info.state()));
            }
        }
        list.sort((a, b) -> Long.compare(a.halfOffset(), b.halfOffset()));
        return list;
    }

    int persist()
    {
        if (!dirty)
        {
            return 0;
        }
        final List<String> records = new ArrayList<>(open.size() + expired.size() + 2);
        for (final Open entry : open.values())
        {
            records.add("open " + entry.halfOffset() + " " + entry.checks());
        }
        final Iterator<TransactionInfo> it = expired.iterator();
        while (it.hasNext())
        {
            final TransactionInfo info = it.next();
            records.add("expired " + info.halfOffset() + " " + info.storedMs() + " " + info.checks() + " " +
                info.producerGroup() + " " + info.topic() + " " + info.messageId());
        }
        records.add("indexed " + indexedHalf + " " + indexedOp); // last: see the class comment
        BrokerFiles.write(checkpoint, "transaction-checkpoint", records, fsync);
        dirty = false;
        return 1;
    }

    private Open fromHalf(final StoredMessage half, final long defaultTimeoutMs)
    {
        final Map<String, String> properties = half.properties();
        final String group = properties.getOrDefault(SystemProperties.PRODUCER_GROUP, "");
        final String topic = properties.getOrDefault(SystemProperties.REAL_TOPIC, "");
        final String messageId = properties.getOrDefault(SystemProperties.UNIQUE_ID, half.messageId());
        return new Open(half.queueOffset(), group, topic, messageId, half.storeTimestampMs(),
            HalfMessages.timeoutMs(properties, defaultTimeoutMs), null);
    }

    private StoredMessage read(final long halfOffset)
    {
        final ReadResult read = store.read(SystemTopics.TRANSACTION_HALF_TOPIC, HalfMessages.QUEUE, halfOffset, 1,
            1 << 20, TagFilter.ALL);
        if (read.status() != ReadStatus.FOUND || read.messages().isEmpty() ||
            read.messages().get(0).queueOffset() != halfOffset)
        {
            return null;
        }
        return read.messages().get(0);
    }
}

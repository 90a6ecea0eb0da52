package io.rocklet.broker.transaction;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TagFilter;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionStatus;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.api.spi.BrokerService.TransactionCheck;
import io.rocklet.api.spi.Subscription;
import io.rocklet.broker.internal.DelayedDelivery;
import io.rocklet.broker.internal.HalfMessageStore;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Transactional messages with check-back (RocketMQ's, F21). A half message is stored in the half topic, an op
 * record finishes it ({@link HalfMessages}); the transaction's state is the log's. In memory: the open transactions
 * ({@link TransactionTable}), rebuilt at start from the checkpoint {@value TransactionTable#CHECKPOINT} and the half
 * and op records after it, and kept current on a slave by indexing what replication appended.
 *
 * <ul>
 *   <li><b>Half</b> ({@link #storeHalf}, the caller's thread): appended and registered as open.</li>
 *   <li><b>End</b> ({@link #end}, the caller's thread): COMMIT appends the message to its topic and then the op
 *       record, ROLLBACK the op record only. A finished transaction answers ALREADY_COMMITTED (a committed copy of
 *       the message exists) or ALREADY_ROLLED_BACK, so an outcome is idempotent. After a crash between the committed
 *       copy and its op record, the copy is found by the message's unique id and the transaction taken as committed,
 *       so nothing is delivered twice.</li>
 *   <li><b>Check</b> ({@link #deliverDue}, the broker agent; a master only): every {@code checkInterval}, each open
 *       transaction older than its timeout is asked about (an op record counts the check first) from one live
 *       producer of its group ({@link CheckWatchers}); a group with none waits for the next round (counted in
 *       {@link #checksWaiting()}); after {@code maxChecks} checks it is rolled back, logged and listed by
 *       {@link #transactions}.</li>
 * </ul>
 *
 * Appends to the half and op topics and the table are guarded by this object's monitor, so that an outcome is
 * decided once. Thread-safe.
 */
public final class TransactionService implements DelayedDelivery, HalfMessageStore
{
    private static final Logger LOG = LoggerFactory.getLogger(TransactionService.class);
    private static final int BATCH = 256;
    private static final int BATCH_BYTES = 1 << 20;

    private final MessageStore store;
    private final EpochClock clock;
    private final String brokerName;
    private final TransactionConfig config;
    private final BooleanSupplier master;
    private final TransactionTable table;
    private final CheckWatchers watchers = new CheckWatchers();
    private long nextCheckMs;
    /** Due transactions whose half message was not readable yet at their round: checked at the next cycles. */
    private final LongArrayList unreadable = new LongArrayList();
    private volatile long checksWaiting;

    private TransactionService(final MessageStore store, final EpochClock clock, final String brokerName,
        final TransactionConfig config, final BooleanSupplier master, final TransactionTable table)
    {
        this.store = store;
        this.clock = clock;
        this.brokerName = brokerName;
        this.config = config;
        this.master = master;
        this.table = table;
        this.nextCheckMs = clock.time() + config.checkInterval().toMillis();
    }

    /**
     * Loads the checkpoint of the broker directory {@code directory} and indexes the half and op records after it.
     *
     * @param master whether this broker is its replica set's master now (only a master checks).
     */
    public static TransactionService load(final MessageStore store, final EpochClock clock, final String brokerName,
        final TransactionConfig config, final BooleanSupplier master, final Path directory, final boolean fsync)
    {
        final TransactionTable table = TransactionTable.load(store, directory, fsync, config.timeout().toMillis());
        final TransactionService service = new TransactionService(store, clock, brokerName, config, master, table);
        synchronized (service)
        {
            service.index();
        }
        LOG.info("transactions loaded: broker={}, open={}, indexedHalf={}, indexedOp={}", brokerName,
            table.openCount(), table.indexedHalf(), table.indexedOp());
        return service;
    }

    @Override
    public synchronized AppendResult storeHalf(final Message message, final int queueId, final long bornMs,
        final String producerId, final String group)
    {
        final long timeoutMs = HalfMessages.timeoutMs(message.properties(), -1);
        final String immunity = message.properties().get(SystemProperties.CHECK_IMMUNITY_TIME_IN_SECONDS);
        if (immunity != null && timeoutMs < 0)
        {
            throw new InvalidArgumentException("illegal transaction timeout: topic=" + message.topic() + ", " +
                SystemProperties.CHECK_IMMUNITY_TIME_IN_SECONDS + "=" + immunity + ", allowed: whole seconds >= 0");
        }
        index(); // a new master first indexes what it replicated
        final AppendResult stored = store.append(new AppendRequest(HalfMessages.toHalf(message, queueId, group),
            HalfMessages.QUEUE, bornMs, producerId, 0, 0L, 0));
        table.opened(new TransactionTable.Open(stored.queueOffset(), group, message.topic(),
            message.properties().get(SystemProperties.UNIQUE_ID), stored.storeTimestampMs(),
            timeoutMs < 0 ? config.timeout().toMillis() : timeoutMs,
            HalfMessages.committed(message, queueId, bornMs, producerId, stored.logOffset())), true);
        return stored;
    }

    /**
     * @return true when {@link #end} can read the half message now (else wait until the store is readable).
     */
    public synchronized boolean readable(final EndTransactionRequest request)
    {
        if (request == null || request.halfOffset() < 0)
        {
            return true;
        }
        final TransactionTable.Open open = table.open(request.halfOffset());
        return (open != null && !open.recovered()) ||
            request.halfOffset() < store.maxOffset(SystemTopics.TRANSACTION_HALF_TOPIC, HalfMessages.QUEUE) ||
            request.halfOffset() >= table.indexedHalf();
    }

    /**
     * Commits or rolls back a transaction (see the class comment).
     *
     * @throws InvalidArgumentException for a malformed request.
     */
    public EndTransactionStatus end(final EndTransactionRequest request)
    {
        check(request);
        synchronized (this)
        {
            final TransactionTable.Open open = table.open(request.halfOffset());
            if (open != null && !open.recovered()) // stored since start: no need to read the half message
            {
                if (!request.messageId().equals(open.messageId()))
                {
                    return EndTransactionStatus.NOT_FOUND;
                }
                return finish(open, open.commit(), request.resolution());
            }
        }
        final StoredMessage half = readHalf(request.halfOffset());
        if (half == null || !request.messageId().equals(half.properties().get(SystemProperties.UNIQUE_ID)))
        {
            return EndTransactionStatus.NOT_FOUND;
        }
        synchronized (this)
        {
            final TransactionTable.Open open = table.open(request.halfOffset());
            if (open == null)
            {
                final Boolean committed = table.outcome(request.halfOffset());
                return (committed != null ? committed : committedCopy(half)) ? EndTransactionStatus.ALREADY_COMMITTED :
                    EndTransactionStatus.ALREADY_ROLLED_BACK;
            }
            if (open.recovered() && committedCopy(half))
            {
                finish(open, null, HalfMessages.COMMIT);
                return EndTransactionStatus.ALREADY_COMMITTED;
            }
            return finish(open, HalfMessages.toReal(half), request.resolution());
        }
    }

    /**
     * Registers a live producer of {@code group} that answers check-backs.
     */
    public Subscription watch(final String group, final String clientId, final Consumer<TransactionCheck> listener)
    {
        return watchers.watch(group, clientId, listener);
    }

    /**
     * @return the group's open transactions and those rolled back after the maximum number of checks.
     */
    public synchronized List<TransactionInfo> transactions(final String group)
    {
        return table.list(group, brokerName);
    }

    /**
     * @return how many checks found no live producer of their group (they wait for the next round).
     */
    public long checksWaiting()
    {
        return checksWaiting;
    }

    /**
     * Broker agent step: indexes what replication appended; on a master, checks every {@code checkInterval}.
     */
    @Override
    public int deliverDue()
    {
        final int indexed;
        synchronized (this)
        {
            indexed = index();
        }
        final long nowMs = clock.time();
        if (!master.getAsBoolean())
        {
            return indexed;
        }
        int work = indexed + retryUnreadable();
        if (nowMs < nextCheckMs)
        {
            return work;
        }
        nextCheckMs = nowMs + config.checkInterval().toMillis();
        final List<TransactionTable.Open> due;
        synchronized (this)
        {
            due = table.due(nowMs);
        }
        for (final TransactionTable.Open open : due)
        {
            work += checkOne(open.halfOffset());
        }
        return work;
    }

    @Override
    public synchronized int persist()
    {
        return table.persist();
    }

    @Override
    public boolean holds(final StoredMessage copy)
    {
        return SystemTopics.TRANSACTION_HALF_TOPIC.equals(copy.topic());
    }

    /**
     * @throws InvalidArgumentException always: a half message is rolled back, not recalled.
     */
    @Override
    public RecallStatus recall(final StoredMessage waiting)
    {
        throw new InvalidArgumentException("a transactional message cannot be recalled, roll its transaction back: " +
            "messageId=" + waiting.messageId());
    }

    private int retryUnreadable()
    {
        if (unreadable.isEmpty())
        {
            return 0;
        }
        final long[] offsets = unreadable.toLongArray();
        unreadable.clear();
        int work = 0;
        for (final long halfOffset : offsets)
        {
            work += checkOne(halfOffset);
        }
        return work;
    }

    /**
     * Checks one due transaction (or finishes it: committed copy found, maximum checks reached).
     */
    private int checkOne(final long halfOffset)
    {
        final TransactionCheck check;
        synchronized (this)
        {
            final TransactionTable.Open open = table.open(halfOffset);
            if (open == null)
            {
                return 0;
            }
            final StoredMessage half = readHalf(halfOffset);
            if (half == null)
            {
                unreadable.addLong(halfOffset); // stored, not dispatched yet
                return 0;
            }
            if (open.recovered() && committedCopy(half))
            {
                finish(open, null, HalfMessages.COMMIT);
                return 1;
            }
            if (open.checks() >= config.maxChecks())
            {
                finish(open, null, HalfMessages.EXPIRED);
                LOG.warn("transaction rolled back after the maximum number of checks: broker={}, producerGroup={}, " +
                    "topic={}, messageId={}, halfOffset={}, checks={}", brokerName, open.group(), open.topic(),
                    open.messageId(), halfOffset, open.checks());
                return 1;
            }
            check = new TransactionCheck(open.group(), brokerName, open.messageId(), halfOffset,
                HalfMessages.toReal(half).message());
            if (!watchers.hasWatcher(open.group()))
            {
                checksWaiting++;
                LOG.debug("transaction check waits, no live producer: broker={}, producerGroup={}, messageId={}",
                    brokerName, open.group(), open.messageId());
                return 0;
            }
            appendOp(halfOffset, HalfMessages.CHECK);
            table.checked(halfOffset);
        }
        if (!watchers.ask(check))
        {
            checksWaiting++;
        }
        return 1;
    }

    /**
     * Commits (appends {@code commit}, then the op record) or rolls back (the op record) an open transaction.
     */
    private EndTransactionStatus finish(final TransactionTable.Open open, final AppendRequest commit,
        final TransactionResolution resolution)
    {
        if (resolution == TransactionResolution.COMMIT)
        {
            finish(open, commit, HalfMessages.COMMIT);
            return EndTransactionStatus.COMMITTED;
        }
        finish(open, null, HalfMessages.ROLLBACK);
        return EndTransactionStatus.ROLLED_BACK;
    }

    /**
     * Appends the op record of {@code kind} (after the committed message, when one is given) and closes the
     * transaction.
     */
    private void finish(final TransactionTable.Open open, final AppendRequest commit, final String kind)
    {
        if (commit != null)
        {
            store.append(commit);
        }
        appendOp(open.halfOffset(), kind);
        table.finished(open.halfOffset(), kind, clock.time());
    }

    private void appendOp(final long halfOffset, final String kind)
    {
        final AppendResult op = store.append(HalfMessages.op(halfOffset, kind));
        table.opAppended(op.queueOffset());
    }

    /**
     * Indexes the half and op records the table has not seen (after a restart, on a slave, on a new master).
     */
    private int index()
    {
        int work = 0;
        long end = store.maxOffset(SystemTopics.TRANSACTION_HALF_TOPIC, HalfMessages.QUEUE);
        while (table.indexedHalf() < end)
        {
            final long from = table.indexedHalf();
            final ReadResult read = store.read(SystemTopics.TRANSACTION_HALF_TOPIC, HalfMessages.QUEUE, from, BATCH,
                BATCH_BYTES, TagFilter.ALL);
            for (final StoredMessage half : read.status() == ReadStatus.FOUND ? read.messages() :
                List.<StoredMessage>of())
            {
                table.indexHalf(half, config.timeout().toMillis());
                work++;
            }
            table.halfIndexedTo(Math.max(from + 1, read.nextOffset()));
        }
        end = store.maxOffset(SystemTopics.TRANSACTION_OP_TOPIC, HalfMessages.QUEUE);
        while (table.indexedOp() < end)
        {
            final long from = table.indexedOp();
            final ReadResult read = store.read(SystemTopics.TRANSACTION_OP_TOPIC, HalfMessages.QUEUE, from, BATCH,
                BATCH_BYTES, TagFilter.ALL);
            for (final StoredMessage op : read.status() == ReadStatus.FOUND ? read.messages() :
                List.<StoredMessage>of())
            {
                table.indexOp(op, clock.time());
                work++;
            }
            table.opIndexedTo(Math.max(from + 1, read.nextOffset()));
        }
        return work;
    }

    private StoredMessage readHalf(final long halfOffset)
    {
        final ReadResult read = store.read(SystemTopics.TRANSACTION_HALF_TOPIC, HalfMessages.QUEUE, halfOffset, 1,
            BATCH_BYTES, TagFilter.ALL);
        if (read.status() != ReadStatus.FOUND || read.messages().isEmpty() ||
            read.messages().get(0).queueOffset() != halfOffset)
        {
            return null;
        }
        return read.messages().get(0);
    }

    /**
     * @return true when the half message's committed copy is stored (found by its unique id).
     */
    private boolean committedCopy(final StoredMessage half)
    {
        final String uniqueId = half.properties().get(SystemProperties.UNIQUE_ID);
        if (uniqueId == null)
        {
            return false;
        }
        for (final StoredMessage copy : store.messagesById(uniqueId))
        {
            if (copy.preparedTransactionOffset() == half.logOffset() &&
                !SystemTopics.TRANSACTION_HALF_TOPIC.equals(copy.topic()))
            {
                return true;
            }
        }
        return false;
    }

    private static void check(final EndTransactionRequest request)
    {
        if (request == null || request.messageId() == null || request.halfOffset() < 0 ||
            request.resolution() == null || request.resolution() == TransactionResolution.UNKNOWN)
        {
            throw new InvalidArgumentException("illegal end of transaction: request=" + request +
                " (a message id, a half offset >= 0 and COMMIT or ROLLBACK needed)");
        }
    }

}

package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ReplicaFetchRequest;
import io.rocklet.api.spi.BrokerService.ReplicaFetchResult;
import io.rocklet.api.spi.EpochEntry;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.store.MessageStore;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A slave's side of replication, on a thread of its own ({@code rocklet-replica-<brokerName>-<id>}): a handshake with
 * the master (same segment size, an epoch history that agrees with the master's up to this log's end), then a chain of
 * long-poll fetches from this store's log end ({@link FetchChain}): each answer's bytes are appended unchanged
 * ({@link MessageStore#appendLog}) after recording the master's epochs that start at or before them, by the thread that
 * completed the fetch, and the next fetch, issued at once, acknowledges them. The thread itself parks meanwhile; it runs
 * the answers handed to it, fails a fetch not answered in time, and every {@code metadataSyncInterval} copies the
 * master's metadata ({@link MetadataSync}). A failure (master unreachable, a mismatch) is logged once, kept as
 * {@link #problem()}, and retried after the configured back-off with a new handshake.
 */
final class SlaveReplication implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(SlaveReplication.class);
    private static final long ANSWER_SLACK_MS = 10_000;
    /** The longest park while the chain runs: how late a timed-out fetch or a due metadata copy may be noticed. */
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final BrokerConfig config;
    private final long brokerId;
    private final MessageStore store;
    /** Cuts the log at a consistent point (after a role change), or null: a mismatch is then only reported. */
    private final java.util.function.LongFunction<java.nio.file.Path> truncator;
    /** Starts the empty store's log at the master's log start ({@link ReopenableStore#seed}). */
    private final java.util.function.LongConsumer seeder;
    private final BrokerService master;
    private final String masterAddress;
    private final String selfAddress;
    private final MetadataSync metadata;
    private final NanoClock nanoClock;
    private final Thread thread;
    private final FetchChain chain;
    private volatile boolean running = true;
    /** A truncation is running: a stop waits for it instead of interrupting its file I/O. */
    private volatile boolean truncating;
    private volatile String problem = "";
    private volatile long masterLogEnd;
    private volatile long caughtUpNs;
    /** When the last answer was applied. Written by chain steps (serialised, any thread). */
    private long lastAnswerNs;
    private boolean handshaken;
    private long nextMetadataNs;

    SlaveReplication(final BrokerConfig config, final long brokerId, final MessageStore store,
        final BrokerService master, final String masterAddress, final String selfAddress, final MetadataSync metadata,
        final java.util.function.LongFunction<java.nio.file.Path> truncator,
        final java.util.function.LongConsumer seeder)
    {
        this.config = config;
        this.seeder = seeder;
        this.brokerId = brokerId;
        this.truncator = truncator;
        this.store = store;
        this.master = master;
        this.masterAddress = masterAddress;
        this.selfAddress = selfAddress;
        this.metadata = metadata;
        this.nanoClock = config.nanoClock();
        this.caughtUpNs = nanoClock.nanoTime();
        this.nextMetadataNs = caughtUpNs;
        this.lastAnswerNs = caughtUpNs;
        this.thread = new Thread(this, "rocklet-replica-" + config.brokerName() + "-" + brokerId);
        thread.setDaemon(true);
        this.chain = new FetchChain(master::fetchReplica, this::onAnswer, () -> LockSupport.unpark(thread),
            nanoClock);
    }

    void start()
    {
        thread.start();
    }

    String masterAddress()
    {
        return masterAddress;
    }

    /**
     * Stops fetching and waits for the thread to end (a fetch in flight is abandoned).
     */
    void stop()
    {
        running = false;
        chain.end(); // waits for a step appending now: nothing is appended once stop returns
        if (!truncating)
        {
            thread.interrupt();
        }
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    String problem()
    {
        return problem;
    }

    ReplicationStatus status()
    {
        final long end = store.logEndOffset();
        final long masterEnd = masterLogEnd;
        final long lagNs = end >= masterEnd ? 0 : nanoClock.nanoTime() - caughtUpNs;
        final List<EpochEntry> epochs = store.epochs();
        return new ReplicationStatus(false, epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch(), end,
            Math.max(0, masterEnd - end), TimeUnit.NANOSECONDS.toMillis(lagNs), 0, List.of(), problem);
    }

    @Override
    public void run()
    {
        LOG.info("replication started: brokerName={}, brokerId={}, master={}, logEnd={}", config.brokerName(),
            brokerId, masterAddress, store.logEndOffset());
        final long answerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.replication().fetchMaxWait().toMillis() +
            ANSWER_SLACK_MS);
        while (running)
        {
            try
            {
                if (!handshaken)
                {
                    handshake();
                    chain.start(request(store.logEndOffset(), config.replication().fetchMaxBytes()));
                }
                chain.runHandedOff();
                chain.check(answerTimeoutNs, masterAddress);
                syncMetadataIfDue();
                if (!chain.handedOff())
                {
                    LockSupport.parkNanos(Math.max(1, Math.min(IDLE_PARK_NS, nextMetadataNs - nanoClock.nanoTime())));
                }
            }
            catch (final RuntimeException e)
            {
                onFailure(e);
            }
        }
        chain.end();
        LOG.info("replication stopped: brokerName={}, brokerId={}, master={}, logEnd={}", config.brokerName(),
            brokerId, masterAddress, store.logEndOffset());
    }

    private void handshake()
    {
        final ReplicaFetchResult answer = fetch(0, 0);
        if (truncator != null)
        {
            final long end = store.logEndOffset();
            final long consistent = EpochHistory.consistentPoint(store.epochs(), end, answer.epochs(),
                answer.masterLogEnd());
            if (consistent < end && answer.segmentSizeBytes() == config.storeConfig().segmentSizeBytes())
            {
                LOG.warn("log diverges from the new master, truncating: brokerName={}, brokerId={}, master={}, " +
                    "logEnd={}, consistentUpTo={}, epochs={}, masterEpochs={}", config.brokerName(), brokerId,
                    masterAddress, end, consistent, store.epochs(), answer.epochs());
                final java.nio.file.Path quarantined;
                truncating = true;
                try
                {
                    quarantined = truncator.apply(consistent);
                }
                finally
                {
                    truncating = false;
                }
                LOG.warn("truncated to the new master's history: brokerName={}, logEnd={}, quarantine={}",
                    config.brokerName(), store.logEndOffset(), quarantined);
            }
        }
        checkCompatible(config, store, masterAddress, answer);
        if (store.logEndOffset() < answer.logStartOffset())
        {
            seed(answer);
        }
        handshaken = true;
    }

    /**
     * The master's retention deleted the log below where this store ends: an empty store starts its log where the
     * master's starts (RocketMQ's new slave likewise starts from its master's retained log); a store with records
     * cannot follow.
     *
     * @throws RockletException with REPLICA_MISMATCH when the store has records.
     */
    private void seed(final ReplicaFetchResult answer)
    {
        final long end = store.logEndOffset();
        if (end != 0)
        {
            throw tooFarBehind(end, answer);
        }
        truncating = true;
        try
        {
            seeder.accept(answer.logStartOffset());
        }
        finally
        {
            truncating = false;
        }
        LOG.warn("empty replica seeded at its master's log start (the master's retention deleted the log before it): " +
            "brokerName={}, brokerId={}, master={}, logStart={}", config.brokerName(), brokerId, masterAddress,
            store.logStartOffset());
    }

    private RockletException tooFarBehind(final long end, final ReplicaFetchResult answer)
    {
        return new RockletException(ErrorCode.REPLICA_MISMATCH, "slave too far behind its master to catch up: " +
            "brokerName=" + config.brokerName() + ", brokerId=" + brokerId + ", slaveLogEnd=" + end +
            ", masterLogStart=" + answer.logStartOffset() + ", master=" + masterAddress + " (the master's retention " +
            "deleted the log between them); stop this broker and empty its store directory: an empty replica starts " +
            "at its master's log start");
    }

    /**
     * @throws RockletException with REPLICA_MISMATCH when the store cannot follow the master's log as it is: segment
     *                          sizes differ, or its log is ahead of the master's or diverges from it.
     */
    static void checkCompatible(final BrokerConfig config, final MessageStore store, final String masterAddress,
        final ReplicaFetchResult answer)
    {
        if (answer.segmentSizeBytes() != config.storeConfig().segmentSizeBytes())
        {
            throw new RockletException(ErrorCode.REPLICA_MISMATCH, "slave's segment size differs from its master's: " +
                "brokerName=" + config.brokerName() + ", slaveSegmentSizeBytes=" +
                config.storeConfig().segmentSizeBytes() + ", masterSegmentSizeBytes=" + answer.segmentSizeBytes() +
                ", master=" + masterAddress);
        }
        final long end = store.logEndOffset();
        final long consistent = EpochHistory.consistentPoint(store.epochs(), end, answer.epochs(),
            answer.masterLogEnd());
        if (consistent < end)
        {
            final String what = end > answer.masterLogEnd() && consistent == answer.masterLogEnd() ?
                "slave ahead of its master" : "slave's log diverges from its master's epoch history";
            throw new RockletException(ErrorCode.REPLICA_MISMATCH, what + ": brokerName=" + config.brokerName() +
                ", slaveLogEnd=" + end + ", masterLogEnd=" + answer.masterLogEnd() +
                ", consistentUpTo=" + consistent + ", slaveEpochs=" + store.epochs() + ", masterEpochs=" +
                answer.epochs() + ", master=" + masterAddress + "; becomeSlave truncates the slave to the consistent " +
                "point (its tail is quarantined)");
        }
    }

    /**
     * A fetch's answer (a {@link FetchChain} step, on the thread that completed the fetch): appends its bytes.
     *
     * @return the next fetch, from the new log end (acknowledging the bytes).
     */
    private ReplicaFetchRequest onAnswer(final ReplicaFetchResult answer)
    {
        if (answer.belowMasterLog())
        {
            throw tooFarBehind(store.logEndOffset(), answer); // a new handshake seeds an empty store
        }
        final long end = answer.offset();
        final long previousMasterEnd = masterLogEnd;
        final long previousAnswerNs = lastAnswerNs;
        lastAnswerNs = nanoClock.nanoTime();
        masterLogEnd = answer.masterLogEnd();
        if (end >= previousMasterEnd)
        {
            caughtUpNs = previousAnswerNs; // it had all the master had at the previous answer
        }
        if (answer.bytes().length > 0)
        {
            recordEpochs(answer.epochs(), answer.offset());
            appendOrFollowDeletion(answer);
        }
        final long appended = store.logEndOffset();
        if (appended >= answer.masterLogEnd())
        {
            caughtUpNs = lastAnswerNs;
        }
        if (!problem.isEmpty())
        {
            LOG.info("replication resumed: brokerName={}, brokerId={}, master={}, logEnd={}", config.brokerName(),
                brokerId, masterAddress, appended);
            problem = "";
        }
        return request(appended, config.replication().fetchMaxBytes());
    }

    /**
     * Appends the chunk. A record that does not follow its queue is, from a healthy master, a topic the master deleted
     * (its queues restart at 0): the master's metadata says where, the deletion is followed at that position (the
     * records before the refused one stay appended) and the next fetch goes on from the log end.
     *
     * @throws InvalidArgumentException when the chunk is refused for any other reason.
     */
    private void appendOrFollowDeletion(final ReplicaFetchResult answer)
    {
        try
        {
            store.appendLog(answer.offset(), answer.bytes());
        }
        catch (final InvalidArgumentException refused)
        {
            if (metadata.syncFrom(master, request(0, 0)) == 0)
            {
                throw refused;
            }
        }
    }

    /** The master's epochs that start at or before {@code offset}, newer than this store's last: before their bytes. */
    private void recordEpochs(final List<EpochEntry> masterEpochs, final long offset)
    {
        final List<EpochEntry> mine = store.epochs();
        final long last = mine.isEmpty() ? 0 : mine.get(mine.size() - 1).epoch();
        for (final EpochEntry entry : masterEpochs)
        {
            if (entry.epoch() > last && entry.startOffset() <= offset)
            {
                store.appendEpoch(entry.epoch(), entry.startOffset());
            }
        }
    }

    private void syncMetadataIfDue()
    {
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - nextMetadataNs >= 0)
        {
            nextMetadataNs = nowNs + config.replication().metadataSyncInterval().toNanos();
            metadata.syncFrom(master, request(0, 0));
        }
    }

    private ReplicaFetchResult fetch(final long offset, final int maxBytes)
    {
        final long waitMs = maxBytes == 0 ? 0 : config.replication().fetchMaxWait().toMillis();
        try
        {
            return master.fetchReplica(request(offset, maxBytes)).get(waitMs + ANSWER_SLACK_MS, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException e)
        {
            throw e.getCause() instanceof RockletException rocklet ? rocklet : new RockletException(
                ErrorCode.BROKER_UNAVAILABLE, "replica fetch failed: master=" + masterAddress, e.getCause());
        }
        catch (final TimeoutException e)
        {
            throw new RockletException(ErrorCode.TIMEOUT, "replica fetch not answered: master=" + masterAddress +
                ", waitedMs=" + (waitMs + ANSWER_SLACK_MS));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new RockletException(ErrorCode.CLOSED, "replication stopped: master=" + masterAddress);
        }
    }

    private ReplicaFetchRequest request(final long offset, final int maxBytes)
    {
        return new ReplicaFetchRequest(config.clusterName(), config.brokerName(), brokerId, selfAddress,
            offset, maxBytes, maxBytes == 0 ? 0 : config.replication().fetchMaxWait().toMillis());
    }

    private void onFailure(final RuntimeException e)
    {
        handshaken = false;
        chain.end();
        if (!running)
        {
            return;
        }
        final String message = String.valueOf(e.getMessage());
        if (!message.equals(problem))
        {
            LOG.warn("replication failed, retrying: brokerName={}, brokerId={}, master={}, error={}",
                config.brokerName(), brokerId, masterAddress, message);
        }
        problem = message;
        LockSupport.parkNanos(config.replication().retryBackoff().toNanos()); // a stop interrupts it
    }
}

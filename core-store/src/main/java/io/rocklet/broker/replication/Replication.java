package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.MessageView;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.ReplicaFetchRequest;
import io.rocklet.api.spi.BrokerService.ReplicaFetchResult;
import io.rocklet.api.spi.BrokerService.ReplicaMetadata;
import io.rocklet.api.spi.BrokerService.ReplicaMetadataRequest;
import io.rocklet.api.spi.EpochEntry;
import io.rocklet.api.spi.Transport;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.broker.internal.DelayedDelivery;
import io.rocklet.store.StoredMessage;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;

/**
 * A broker's part in its replica set (F4): its role (master, or slave of a master address), the master's side
 * ({@link MasterReplication}: slaves' fetches, SYNC acknowledgements) or the slave's ({@link SlaveReplication}: the
 * fetch loop, metadata copies), and the role changes a failover controller calls through the broker.
 *
 * <p>Threads: any; role changes are serialised by the broker.
 */
public final class Replication implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

    private final BrokerConfig config;
    private final ReopenableStore store;
    private final Transport transport;
    private final MetadataSync metadata;
    private final MasterReplication master;
    private volatile String masterAddress;
    private volatile SlaveReplication slave;
    private volatile String selfAddress;
    /** The id this broker fetches with as a slave (its configured id, or the one a role change gave it). */
    private volatile long replicaId;
    private volatile ReplicationStatus lastStatus;
    /** No role yet, or stepped down: failover controllers decide (no writes, no fetching). */
    private volatile boolean fenced;
    /** Why this broker is fenced, for NOT_MASTER answers. */
    private volatile String fenceReason = "its failover controllers name no master yet";
    /** Under failover controllers: false once no controller answered for the lease (sends refused). */
    private volatile BooleanSupplier writeLease = () -> true;
    private volatile long writeLeaseMs;
    /** The tail the last role change cut from this log, or null. */
    private volatile TailTruncation lastTruncation;

    public Replication(final BrokerConfig config, final ReopenableStore store, final Transport transport,
        final MetadataSync metadata)
    {
        this.replicaId = config.brokerId();
        this.config = config;
        this.store = store;
        this.transport = transport;
        this.metadata = metadata;
        this.master = new MasterReplication(config, store);
        this.masterAddress = config.brokerId() == 0 ? null : config.replication().masterAddress();
        this.fenced = config.replication().controlled();
    }

    /**
     * Starts the role of the configuration: a master opens its first epoch when its history is empty; a slave starts
     * fetching from its master.
     *
     * @param self the address the broker is served at.
     */
    public void start(final String self)
    {
        this.selfAddress = self;
        final String following = masterAddress;
        if (fenced)
        {
            LOG.info("waiting for the failover controllers to name the master: brokerName={}, replicaId={}, " +
                "controllers={}", config.brokerName(), config.brokerId(), config.replication().controllers());
        }
        else if (following == null)
        {
            if (store.epochs().isEmpty())
            {
                store.appendEpoch(1, store.stats().minLogOffset());
            }
        }
        else
        {
            startSlave(following, null);
        }
    }

    /**
     * Slave to master (a failover controller's call): stops fetching, opens {@code epoch} at this log's end (durably),
     * and takes sends from now on; delay and timer deliveries resume from the progress copied from the old master.
     *
     * @throws RockletException with REPLICA_MISMATCH when {@code epoch} is not above every epoch this log has.
     */
    public synchronized void becomeMaster(final long epoch)
    {
        final long last = lastEpoch(store.epochs());
        if (epoch == last && fenced)
        {
            // a restart (or a step-down) of the master of this very epoch: its log ends with the epoch's records
            stopSlave();
            masterAddress = null;
            fenced = false;
            LOG.info("master again: brokerName={}, epoch={}", config.brokerName(), epoch);
            return;
        }
        if (epoch <= last)
        {
            throw new RockletException(ErrorCode.REPLICA_MISMATCH, "epoch going backwards refused: brokerName=" +
                config.brokerName() + ", epoch=" + epoch + ", lastEpoch=" + last);
        }
        stopSlave();
        final long end = store.logEndOffset();
        store.appendEpoch(epoch, end);
        masterAddress = null;
        fenced = false;
        LOG.info("became master: brokerName={}, epoch={}, startOffset={}", config.brokerName(), epoch, end);
    }

    /**
     * Stops taking writes and fetching (a failover controller names no master, or refused this master's epoch):
     * sends fail with NOT_MASTER until a role change.
     */
    public synchronized void fence(final String reason)
    {
        if (fenced)
        {
            return;
        }
        if (isMaster())
        {
            master.stop(new RockletException(ErrorCode.NOT_MASTER, "this broker stepped down: brokerName=" +
                config.brokerName() + ", reason=" + reason));
        }
        stopSlave();
        masterAddress = null;
        fenceReason = reason;
        fenced = true;
        LOG.warn("fenced: brokerName={}, replicaId={}, reason={}", config.brokerName(), config.brokerId(), reason);
    }

    /**
     * Master to slave, or a slave re-pointed at a new master (a failover controller's call): refuses sends from now on,
     * then follows {@code newMaster}. Its first handshake finds where this log last agreed with the new master's epoch
     * history and truncates any tail written after that point (the bytes quarantined) before fetching.
     *
     * @param epoch    the new master's epoch (this log must not have a later one).
     * @param brokerId the id to replicate under, 1 and up.
     * @throws RockletException with REPLICA_MISMATCH for an epoch going backwards, INVALID_ARGUMENT for a bad address
     *                          or id.
     */
    public synchronized void becomeSlave(final String newMaster, final long epoch, final long brokerId)
    {
        if (newMaster == null || newMaster.isBlank() || newMaster.equals(selfAddress) || brokerId < 1)
        {
            throw new RockletException(ErrorCode.INVALID_ARGUMENT, "illegal role change to slave: brokerName=" +
                config.brokerName() + ", master=" + newMaster + ", self=" + selfAddress + ", brokerId=" + brokerId);
        }
        final long last = lastEpoch(store.epochs());
        if (epoch < last)
        {
            throw new RockletException(ErrorCode.REPLICA_MISMATCH, "epoch going backwards refused: brokerName=" +
                config.brokerName() + ", epoch=" + epoch + ", lastEpoch=" + last + ", master=" + newMaster);
        }
        final boolean wasMaster = isMaster();
        masterAddress = newMaster;
        fenced = false;
        if (wasMaster)
        {
            master.stop(new RockletException(ErrorCode.NOT_MASTER, "this broker became a slave: brokerName=" +
                config.brokerName() + ", master=" + newMaster));
        }
        stopSlave();
        replicaId = brokerId;
        startSlave(newMaster, this::truncateTail);
        LOG.info("became slave: brokerName={}, brokerId={}, epoch={}, master={}", config.brokerName(), brokerId,
            epoch, newMaster);
    }

    /**
     * @return the id this broker registers and replicates under: 0 while master, else its replica id.
     */
    public long currentBrokerId()
    {
        return isMaster() ? 0 : replicaId;
    }

    private static long lastEpoch(final List<EpochEntry> epochs)
    {
        return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch();
    }

    public boolean isMaster()
    {
        return masterAddress == null && !fenced;
    }

    /**
     * @return true while failover controllers have not given this broker a role (or it stepped down).
     */
    public boolean fenced()
    {
        return fenced;
    }

    /**
     * @return the newest epoch of this broker's log (0 before any).
     */
    public long lastEpoch()
    {
        return lastEpoch(store.epochs());
    }

    /**
     * @return the master this broker follows, or null on a master.
     */
    public String masterAddress()
    {
        return masterAddress;
    }

    /**
     * @throws RockletException with NOT_MASTER (naming the master) on a slave.
     */
    public void checkMaster(final String operation)
    {
        if (fenced)
        {
            throw new RockletException(ErrorCode.NOT_MASTER, operation + " refused: this broker has no role (its " +
                "failover controllers name no master yet, or it stepped down): brokerName=" + config.brokerName() +
                ", brokerId=" + config.brokerId() + ", reason=" + fenceReason);
        }
        final String following = masterAddress;
        if (following != null)
        {
            throw new RockletException(ErrorCode.NOT_MASTER, operation + " refused: this broker is a slave, send to " +
                "its master: brokerName=" + config.brokerName() + ", brokerId=" + config.brokerId() + ", master=" +
                following);
        }
    }

    /**
     * Before a send is stored on a master.
     *
     * @throws RockletException with NOT_MASTER on a slave, NOT_ENOUGH_REPLICAS when SYNC replication is short of
     *                          in-sync replicas.
     */
    public void checkCanAcknowledge(final String operation)
    {
        checkMaster(operation);
        if (!writeLease.getAsBoolean())
        {
            throw new RockletException(ErrorCode.NOT_MASTER, operation + " refused: this master's lease from its " +
                "failover controllers expired (none answered for controllerLease=" + writeLeaseMs + "ms; they may " +
                "elect another master), nothing stored: brokerName=" + config.brokerName() + ", brokerId=" +
                config.brokerId() + ", epoch=" + lastEpoch());
        }
        master.acks().checkEnoughInSync();
    }

    /**
     * Under failover controllers: sends are refused (NOT_MASTER) while {@code valid} answers false (see
     * {@link ControllerLink}). Set once, before the broker serves.
     *
     * @param leaseMs the lease, for error messages.
     */
    public void writeLease(final BooleanSupplier valid, final long leaseMs)
    {
        this.writeLease = valid;
        this.writeLeaseMs = leaseMs;
    }

    /**
     * The failover controllers' sync state set for this master's epoch (their answer): under SYNC a send also waits
     * for every slave in it, in sync here or not, until the controllers confirm a smaller set.
     *
     * @param ids the replica ids, the master's own included.
     */
    public void confirmSyncStateSet(final Set<Long> ids)
    {
        master.confirmSyncStateSet(ids, replicaId);
    }

    /**
     * @return the tail the last role change cut from this log (when this broker rejoined as a slave after being a
     *     master), or null when none was cut.
     */
    public TailTruncation lastTruncation()
    {
        return lastTruncation;
    }

    /**
     * @param logEnd the log end after a send's bytes.
     * @return completes when the send may be acknowledged (at once in ASYNC mode).
     */
    public CompletableFuture<Void> whenReplicated(final long logEnd)
    {
        return master.acks().whenReplicated(logEnd);
    }

    public CompletableFuture<ReplicaFetchResult> fetch(final ReplicaFetchRequest request)
    {
        checkMaster("replica fetch");
        return master.fetch(request);
    }

    public CompletableFuture<ReplicaMetadata> metadata(final ReplicaMetadataRequest request)
    {
        checkMaster("replica metadata fetch");
        return CompletableFuture.completedFuture(metadata.answer(request));
    }

    /**
     * Adds the replica suggestion to a pull's answer: slave 1 when its last message lies further behind the log end
     * than {@code slaveReadLagBytes} (its reads would leave memory), else the master.
     */
    public PullResult suggestReplica(final PullResult result)
    {
        final List<MessageView> messages = result.messages();
        if (messages.isEmpty())
        {
            return result;
        }
        final long behind = store.logEndOffset() - messages.get(messages.size() - 1).logOffset();
        final long suggested = behind > config.replication().slaveReadLagBytes() ? 1 : 0;
        return suggested == result.suggestedBrokerId() ? result : new PullResult(result.status(), result.nextOffset(),
            result.minOffset(), result.maxOffset(), messages, suggested);
    }

    /**
     * Registers the topics the log holds but no metadata copy named yet (see {@link MetadataSync#learnTopicsFromLog}):
     * on a slave asked for an unknown topic, and on promotion.
     *
     * @return how many topics were registered.
     */
    public int learnTopicsFromLog()
    {
        return metadata.learnTopicsFromLog();
    }

    /**
     * A consumer committed an offset here: on a slave it is handed to the master with the next metadata copy.
     */
    public void onCommit(final String group, final String topic, final int queueId, final long offset)
    {
        if (!isMaster())
        {
            metadata.onSlaveCommit(group, topic, queueId, offset);
        }
    }

    /**
     * @return {@code delivery} running only while this broker is its replica set's master (a slave follows the
     *     master's progress instead).
     */
    public DelayedDelivery onMaster(final DelayedDelivery delivery)
    {
        return new DelayedDelivery()
        {
            @Override
            public int deliverDue()
            {
                return isMaster() ? delivery.deliverDue() : 0;
            }

            @Override
            public int persist()
            {
                return delivery.persist();
            }

            @Override
            public boolean holds(final StoredMessage copy)
            {
                return delivery.holds(copy);
            }

            @Override
            public RecallStatus recall(final StoredMessage waiting)
            {
                checkMaster("recall");
                return delivery.recall(waiting);
            }
        };
    }

    /**
     * New bytes in the log (store dispatcher thread): answers slaves' held fetches.
     */
    public void onAppended()
    {
        master.onAppended();
    }

    /**
     * Broker agent: expires held fetches and late SYNC acknowledgements.
     */
    public int doWork()
    {
        return master.doWork();
    }

    /**
     * Copies the master's metadata now, on a slave (tests and operators; the slave also does it every
     * {@code metadataSyncInterval}).
     *
     * @throws RockletException with INVALID_ARGUMENT on a master; the master's error otherwise.
     */
    public void syncMetadataNow()
    {
        final SlaveReplication following = slave;
        if (following == null)
        {
            throw new RockletException(ErrorCode.INVALID_ARGUMENT, "metadata sync is for slaves: brokerName=" +
                config.brokerName() + ", brokerId=" + config.brokerId());
        }
        metadata.syncFrom(transport.broker(following.masterAddress(), config.credentials()),
            new ReplicaFetchRequest(config.clusterName(),
            config.brokerName(), replicaId, selfAddress, store.logEndOffset(), 0, 0));
    }

    /**
     * @return the replication status; while a role change truncates the store, the last one taken before.
     */
    public ReplicationStatus status()
    {
        try
        {
            final SlaveReplication following = slave;
            lastStatus = fenced ? new ReplicationStatus(false, lastEpoch(store.epochs()), store.logEndOffset(), 0, 0,
                0, List.of(), "fenced: no role from the failover controllers") :
                following != null ? following.status() : master.status(lastEpoch(store.epochs()));
        }
        catch (final RockletException e)
        {
            if (e.errorCode() != ErrorCode.BUSY || lastStatus == null)
            {
                throw e;
            }
        }
        final TailTruncation truncation = lastTruncation;
        return truncation == null ? lastStatus : lastStatus.withTruncation(truncation.bytes(), truncation.messages());
    }

    @Override
    public void close()
    {
        stopSlave();
        master.stop(new RockletException(ErrorCode.CLOSED, "broker closed: brokerName=" + config.brokerName()));
    }

    private void startSlave(final String following, final java.util.function.LongFunction<java.nio.file.Path> truncator)
    {
        final SlaveReplication started = new SlaveReplication(config, replicaId, store,
            transport.broker(following, config.credentials()),
            following, selfAddress, metadata, truncator, store::seed);
        slave = started;
        started.start();
        LOG.info("following master: brokerName={}, brokerId={}, master={}", config.brokerName(), config.brokerId(),
            following);
    }

    /**
     * Cuts this log's tail from {@code offset} (it diverges from the new master's) and reports what was cut. Slave
     * thread.
     */
    private java.nio.file.Path truncateTail(final long offset)
    {
        final long end = store.logEndOffset();
        final long messages = store.messagesBetween(offset, end);
        final java.nio.file.Path quarantined = store.truncate(offset);
        if (quarantined != null)
        {
            lastTruncation = new TailTruncation(offset, end - offset, messages, lastEpoch(store.epochs()),
                quarantined.toString());
            LOG.warn("truncated the tail this broker wrote as master that its new master does not have: " +
                "brokerName={}, replicaId={}, fromOffset={}, truncatedBytes={}, truncatedMessages={}, quarantine={}",
                config.brokerName(), replicaId, offset, end - offset, messages, quarantined);
        }
        return quarantined;
    }

    private void stopSlave()
    {
        final SlaveReplication running = slave;
        if (running != null)
        {
            running.stop();
            slave = null;
        }
    }
}

package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.ReplicaFetchRequest;
import io.rocklet.api.spi.BrokerService.ReplicaFetchResult;
import io.rocklet.api.spi.EpochEntry;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.store.LogChunk;
import io.rocklet.store.MessageStore;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The master's side of replication: answers slaves' long-poll fetches of its log (holding a fetch with nothing new
 * until bytes arrive or its wait ends), keeps each slave's acknowledged offset, and acknowledges SYNC sends once enough
 * in-sync replicas hold them ({@link SyncAcks}).
 *
 * <p>Threads: fetches on any thread (the transport's); {@link #onAppended()} on the store's dispatcher;
 * {@link #doWork()} on the broker agent.
 */
final class MasterReplication
{
    private final BrokerConfig config;
    private final ReplicationConfig replication;
    private final MessageStore store;
    private final NanoClock nanoClock;
    private final Map<Long, SlaveProgress> slaves = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<HeldFetch> held = new ConcurrentLinkedQueue<>();
    private final SyncAcks acks;
    /** Under failover controllers: the slave ids of the controllers' sync state set for this master's epoch. */
    private volatile Set<Long> confirmedSlaves = Set.of();

    private record HeldFetch(ReplicaFetchRequest request, CompletableFuture<ReplicaFetchResult> answer, long deadlineNs)
    {
    }

    MasterReplication(final BrokerConfig config, final MessageStore store)
    {
        this.config = config;
        this.replication = config.replication();
        this.store = store;
        this.nanoClock = config.nanoClock();
        this.acks = new SyncAcks(replication, this::inSyncSlaves, this::acknowledgedBy, nanoClock, store::logEndOffset,
            config.brokerName());
        if (replication.controlled())
        {
            acks.electableSlaves(this::electableSlaves);
        }
    }

    /**
     * The controllers' sync state set (any thread): SYNC sends wait for its slaves until they confirm a smaller one.
     *
     * @param selfId this master's replica id (not a slave).
     */
    void confirmSyncStateSet(final Set<Long> ids, final long selfId)
    {
        final Set<Long> slaveIds = new HashSet<>(ids);
        slaveIds.remove(selfId);
        confirmedSlaves = Set.copyOf(slaveIds);
        acks.onProgress(); // a confirmed shrink releases the sends waiting for a dropped slave
    }

    /**
     * @return the slaves the controllers could elect: in sync here, or in their confirmed sync state set (a slave
     *     that fell out of sync stays electable until they confirm its removal).
     */
    private int electableSlaves()
    {
        final Set<Long> confirmed = confirmedSlaves;
        final long end = store.logEndOffset();
        final long nowNs = nanoClock.nanoTime();
        int count = confirmed.size();
        for (final SlaveProgress slave : slaves.values())
        {
            if (!confirmed.contains(slave.brokerId) && isInSync(slave, end, nowNs))
            {
                count++;
            }
        }
        return count;
    }

    SyncAcks acks()
    {
        return acks;
    }

    /**
     * Checks and answers a slave's fetch (see {@link io.rocklet.api.spi.BrokerService#fetchReplica}).
     */
    CompletableFuture<ReplicaFetchResult> fetch(final ReplicaFetchRequest request)
    {
        checkSameReplicaSet(request);
        final long end = store.logEndOffset();
        if (request.maxBytes() == 0)
        {
            return CompletableFuture.completedFuture(answer(request.fetchOffset(), end, null));
        }
        if (request.fetchOffset() > end)
        {
            throw new RockletException(ErrorCode.REPLICA_MISMATCH, "slave ahead of its master: brokerName=" +
                config.brokerName() + ", slaveId=" + request.brokerId() + ", slaveLogEnd=" + request.fetchOffset() +
                ", masterLogEnd=" + end);
        }
        final long nowNs = nanoClock.nanoTime();
        final SlaveProgress progress = slaves.computeIfAbsent(request.brokerId(),
            id -> new SlaveProgress(id, request.address(), nowNs));
        progress.onFetch(request.address(), request.fetchOffset(), end, nowNs);
        acks.onProgress();
        if (request.fetchOffset() < store.logStartOffset())
        {
            // retention deleted what the slave asks for: tell it where the log starts now (an empty slave seeds there)
            return CompletableFuture.completedFuture(answer(request.fetchOffset(), end, null));
        }
        final ReplicaFetchResult ready = tryAnswer(request);
        if (ready != null || request.maxWaitMs() <= 0)
        {
            return CompletableFuture.completedFuture(ready != null ? ready : answer(request.fetchOffset(), end, null));
        }
        final HeldFetch fetch = new HeldFetch(request, new CompletableFuture<>(),
            nowNs + TimeUnit.MILLISECONDS.toNanos(request.maxWaitMs()));
        held.add(fetch);
        onAppended(); // bytes may have arrived between the read above and the hold
        return fetch.answer;
    }

    /**
     * Answers the held fetches that now have bytes. Store dispatcher thread.
     */
    void onAppended()
    {
        if (held.isEmpty())
        {
            return;
        }
        for (final Iterator<HeldFetch> it = held.iterator(); it.hasNext(); )
        {
            final HeldFetch fetch = it.next();
            if (fetch.answer.isDone())
            {
                it.remove();
                continue;
            }
            try
            {
                final ReplicaFetchResult ready = tryAnswer(fetch.request);
                if (ready != null)
                {
                    fetch.answer.complete(ready);
                    it.remove();
                }
            }
            catch (final RuntimeException e)
            {
                fetch.answer.completeExceptionally(e);
                it.remove();
            }
        }
    }

    /**
     * Answers held fetches whose wait ended and fails SYNC sends not acknowledged in time. Broker agent.
     */
    int doWork()
    {
        int work = 0;
        if (!held.isEmpty())
        {
            final long nowNs = nanoClock.nanoTime();
            for (final Iterator<HeldFetch> it = held.iterator(); it.hasNext(); )
            {
                final HeldFetch fetch = it.next();
                if (fetch.answer.isDone() || nowNs - fetch.deadlineNs >= 0)
                {
                    fetch.answer.complete(answer(fetch.request.fetchOffset(), store.logEndOffset(), null));
                    it.remove();
                    work++;
                }
            }
        }
        return work + acks.expire();
    }

    /**
     * Answers every held fetch (empty) and fails every waiting SYNC send: the broker closes or stops being master.
     */
    void stop(final RockletException reason)
    {
        HeldFetch fetch;
        while ((fetch = held.poll()) != null)
        {
            fetch.answer.completeExceptionally(reason);
        }
        acks.failAll(reason);
        slaves.clear();
    }

    ReplicationStatus status(final long epoch)
    {
        final long end = store.logEndOffset();
        final long nowNs = nanoClock.nanoTime();
        long lagBytes = 0;
        long lagNs = 0;
        final List<ReplicationStatus.Slave> list = new ArrayList<>();
        for (final SlaveProgress slave : slaves.values())
        {
            final boolean inSync = isInSync(slave, end, nowNs);
            list.add(new ReplicationStatus.Slave(slave.brokerId, slave.address, slave.ackedOffset, inSync));
            lagBytes = Math.max(lagBytes, end - slave.ackedOffset);
            if (slave.ackedOffset < end)
            {
                lagNs = Math.max(lagNs, nowNs - slave.caughtUpNs);
            }
        }
        return new ReplicationStatus(true, epoch, end, lagBytes, TimeUnit.NANOSECONDS.toMillis(lagNs),
            1 + inSyncSlaves(), List.copyOf(list), "");
    }

    private ReplicaFetchResult tryAnswer(final ReplicaFetchRequest request)
    {
        final long end = store.logEndOffset();
        if (end <= request.fetchOffset())
        {
            return null;
        }
        final List<EpochEntry> epochs = store.epochs();
        final long epochLimit = EpochHistory.nextEpochStart(epochs, request.fetchOffset());
        final int maxBytes = (int)Math.min(request.maxBytes(), epochLimit - request.fetchOffset());
        final LogChunk chunk = store.readLog(request.fetchOffset(), maxBytes);
        return chunk.isEmpty() ? null : new ReplicaFetchResult(epochs, end, config.storeConfig().segmentSizeBytes(),
            chunk.offset(), chunk.nextOffset(), chunk.bytes(), store.logStartOffset());
    }

    private ReplicaFetchResult answer(final long offset, final long end, final LogChunk chunk)
    {
        return new ReplicaFetchResult(store.epochs(), end, config.storeConfig().segmentSizeBytes(), offset,
            chunk == null ? offset : chunk.nextOffset(), chunk == null ? new byte[0] : chunk.bytes(),
            store.logStartOffset());
    }

    private void checkSameReplicaSet(final ReplicaFetchRequest request)
    {
        if (!config.clusterName().equals(request.clusterName()) || !config.brokerName().equals(request.brokerName()))
        {
            throw new RockletException(ErrorCode.REPLICA_MISMATCH, "fetch from another replica set refused: " +
                "masterCluster=" + config.clusterName() + ", masterBrokerName=" + config.brokerName() +
                ", slaveCluster=" + request.clusterName() + ", slaveBrokerName=" + request.brokerName() +
                ", slaveAddress=" + request.address());
        }
        if (request.brokerId() < 1)
        {
            throw new RockletException(ErrorCode.REPLICA_MISMATCH, "a master cannot replicate from a master (two " +
                "masters of one replica set?): brokerName=" + config.brokerName() + ", requesterId=" +
                request.brokerId() + ", requesterAddress=" + request.address());
        }
    }

    private boolean isInSync(final SlaveProgress slave, final long end, final long nowNs)
    {
        return slave.inSync(end, nowNs, replication.maxGapNotInSyncBytes(), replication.maxSilenceNotInSync().toNanos());
    }

    private int inSyncSlaves()
    {
        final long end = store.logEndOffset();
        final long nowNs = nanoClock.nanoTime();
        int count = 0;
        for (final SlaveProgress slave : slaves.values())
        {
            if (isInSync(slave, end, nowNs))
            {
                count++;
            }
        }
        return count;
    }

    /** The offset at least {@code needed} slaves acknowledged, -1 when fewer are known; no allocation for one. */
    private long acknowledgedBy(final int needed)
    {
        if (needed == 1)
        {
            long highest = -1;
            for (final SlaveProgress slave : slaves.values())
            {
                highest = Math.max(highest, slave.ackedOffset);
            }
            return highest;
        }
        final long[] acked = slaves.values().stream().mapToLong(s -> s.ackedOffset).sorted().toArray();
        return acked.length < needed ? -1 : acked[acked.length - needed];
    }
}

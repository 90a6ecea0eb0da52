package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

/**
 * SYNC acknowledgements on a master: a send waits until {@code minInSyncReplicas - 1} slaves acknowledged its bytes
 * (fetched past them; under failover controllers, every slave they could elect, at least that many), and fails at
 * once with NOT_ENOUGH_REPLICAS when fewer slaves are in sync than that (unless degraded acknowledgement is allowed), or with REPLICATION_TIMEOUT after {@code syncReplicationTimeout}. No thread
 * waits: a send already acknowledged when it asks (its slave's step ran on the sending thread, see {@link FetchChain})
 * gets a shared completed future, with no lock taken; any other gets a future completed by the fetch that
 * acknowledges it (any thread) or failed by the agent. Each acknowledgement completes every send it covers in one pass
 * (group commit), outside the lock, so that what runs on completion cannot re-enter a pass in progress.
 * Thread-safe (one lock around the waiters).
 */
final class SyncAcks
{
    private static final CompletableFuture<Void> ACKNOWLEDGED = CompletableFuture.completedFuture(null);

    private final ReplicationConfig config;
    private final IntSupplier inSyncSlaves;

    private final IntToLongFunction acknowledgedBy;
    private final NanoClock nanoClock;
    private final LongSupplier logEnd;
    private final String brokerName;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Under failover controllers: the slaves they could elect, each of which must acknowledge a SYNC send. */
    private volatile IntSupplier electableSlaves;
    /** Whether any send waits: an acknowledgement with none takes no lock (written under the lock). */
    private volatile boolean waiting;

    private record Waiter(long offset, long deadlineNs, CompletableFuture<Void> done)
    {
    }

    /**
     * @param acknowledgedBy the offset that at least n slaves acknowledged (-1 when fewer than n slaves are known).
     */
    SyncAcks(final ReplicationConfig config, final IntSupplier inSyncSlaves, final IntToLongFunction acknowledgedBy,
        final NanoClock nanoClock, final LongSupplier logEnd, final String brokerName)
    {
        this.config = config;
        this.inSyncSlaves = inSyncSlaves;
        this.acknowledgedBy = acknowledgedBy;
        this.nanoClock = nanoClock;
        this.logEnd = logEnd;
        this.brokerName = brokerName;
        this.electableSlaves = inSyncSlaves;
    }

    /**
     * Under failover controllers: counts the slaves a SYNC send waits for (default: the in-sync slaves).
     */
    void electableSlaves(final IntSupplier electable)
    {
        this.electableSlaves = electable;
    }

    private int slavesNeeded()
    {
        if (config.mode() != ReplicationMode.SYNC)
        {
            return 0;
        }
        final int minimum = config.minInSyncReplicas() - 1;
        // under failover controllers any in-sync replica may be elected master: each must hold every acknowledged
        // message (RocketMQ's allAckInSyncStateSet), not only the minimum count
        return config.controlled() ? Math.max(minimum, electableSlaves.getAsInt()) : minimum;
    }

    /**
     * Before a send is stored: refuses it when SYNC replication cannot acknowledge it.
     *
     * @throws RockletException with NOT_ENOUGH_REPLICAS (retriable) when too few replicas are in sync.
     */
    void checkEnoughInSync()
    {
        final int needed = slavesNeeded();
        if (needed == 0 || config.allowDegradedSync())
        {
            return;
        }
        final int inSync = inSyncSlaves.getAsInt();
        if (inSync < needed)
        {
            throw new RockletException(ErrorCode.NOT_ENOUGH_REPLICAS, "too few replicas in sync for a SYNC send, " +
                "nothing stored: brokerName=" + brokerName + ", inSyncReplicas=" + (inSync + 1) +
                ", minInSyncReplicas=" + config.minInSyncReplicas());
        }
    }

    /**
     * @param offset the log end after the send's bytes.
     * @return completes once enough replicas hold every byte before {@code offset} (at once in ASYNC mode).
     */
    CompletableFuture<Void> whenReplicated(final long offset)
    {
        final int needed = slavesNeeded();
        if (needed == 0 || acknowledgedBy.applyAsLong(needed) >= offset)
        {
            return ACKNOWLEDGED;
        }
        if (config.allowDegradedSync() && inSyncSlaves.getAsInt() < needed)
        {
            return ACKNOWLEDGED;
        }
        final Waiter waiter = new Waiter(offset, nanoClock.nanoTime() + config.syncReplicationTimeout().toNanos(),
            new CompletableFuture<>());
        synchronized (waiters)
        {
            waiters.add(waiter);
            waiting = true;
        }
        onProgress(); // an acknowledgement may have come in between
        return waiter.done;
    }

    /**
     * A slave acknowledged more: completes every send now held by enough replicas, in one pass.
     */
    void onProgress()
    {
        if (!waiting)
        {
            return;
        }
        final int needed = slavesNeeded();
        if (needed == 0)
        {
            return;
        }
        final long acked = acknowledgedBy.applyAsLong(needed);
        List<Waiter> done = null;
        synchronized (waiters)
        {
            for (final Iterator<Waiter> it = waiters.iterator(); it.hasNext(); )
            {
                final Waiter waiter = it.next();
                if (waiter.offset <= acked)
                {
                    it.remove();
                    done = done == null ? new ArrayList<>() : done;
                    done.add(waiter);
                }
            }
            waiting = !waiters.isEmpty();
        }
        if (done != null)
        {
            done.forEach(waiter -> waiter.done.complete(null));
        }
    }

    /**
     * Fails the sends whose wait ended. Broker agent.
     *
     * @return how many failed.
     */
    int expire()
    {
        if (!waiting)
        {
            return 0;
        }
        List<Waiter> expired = List.of();
        synchronized (waiters)
        {
            final long nowNs = nanoClock.nanoTime();
            for (final Iterator<Waiter> it = waiters.iterator(); it.hasNext(); )
            {
                final Waiter waiter = it.next();
                if (nowNs - waiter.deadlineNs >= 0)
                {
                    it.remove();
                    expired = expired.isEmpty() ? new ArrayList<>() : expired;
                    expired.add(waiter);
                }
            }
            waiting = !waiters.isEmpty();
        }
        for (final Waiter waiter : expired)
        {
            waiter.done.completeExceptionally(new RockletException(ErrorCode.REPLICATION_TIMEOUT,
                "send stored on the master but not acknowledged by enough replicas in time: brokerName=" + brokerName +
                    ", logOffset=" + waiter.offset + ", minInSyncReplicas=" + config.minInSyncReplicas() +
                    ", timeoutMs=" + config.syncReplicationTimeout().toMillis() + ", masterLogEnd=" +
                    logEnd.getAsLong()));
        }
        return expired.size();
    }

    void failAll(final RockletException reason)
    {
        final List<Waiter> failed;
        synchronized (waiters)
        {
            failed = new ArrayList<>(waiters);
            waiters.clear();
            waiting = false;
        }
        failed.forEach(waiter -> waiter.done.completeExceptionally(reason));
    }
}

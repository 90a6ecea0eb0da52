package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * SYNC acknowledgements on a master: a send waits until {@code minInSyncReplicas - 1} slaves acknowledged its bytes
 * (fetched past them; under failover controllers, every in-sync slave, at least that many), and fails at once with NOT_ENOUGH_REPLICAS when fewer slaves are in sync than that (unless
 * degraded acknowledgement is allowed), or with REPLICATION_TIMEOUT after {@code syncReplicationTimeout}. No thread
 * waits: each send gets a future, completed by the fetch that acknowledges it (any thread) or failed by the agent.
 * Thread-safe (one lock around the waiters).
 */
final class SyncAcks
{
    private final ReplicationConfig config;
    private final IntSupplier inSyncSlaves;
    private final Supplier<long[]> ackedOffsets;
    private final NanoClock nanoClock;
    private final LongSupplier logEnd;
    private final String brokerName;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Under failover controllers: the slaves they could elect, each of which must acknowledge a SYNC send. */
    private volatile IntSupplier electableSlaves;

    private record Waiter(long offset, long deadlineNs, CompletableFuture<Void> done)
    {
    }

    SyncAcks(final ReplicationConfig config, final IntSupplier inSyncSlaves, final Supplier<long[]> ackedOffsets,
        final NanoClock nanoClock, final LongSupplier logEnd, final String brokerName)
    {
        this.config = config;
        this.inSyncSlaves = inSyncSlaves;
        this.ackedOffsets = ackedOffsets;
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
        if (needed == 0 || acknowledged(needed) >= offset)
        {
            return CompletableFuture.completedFuture(null);
        }
        if (config.allowDegradedSync() && inSyncSlaves.getAsInt() < needed)
        {
            return CompletableFuture.completedFuture(null);
        }
        final Waiter waiter = new Waiter(offset, nanoClock.nanoTime() + config.syncReplicationTimeout().toNanos(),
            new CompletableFuture<>());
        synchronized (waiters)
        {
            waiters.add(waiter);
        }
        onProgress(); // an acknowledgement may have come in between
        return waiter.done;
    }

    /**
     * A slave acknowledged more: completes the sends now held by enough replicas.
     */
    void onProgress()
    {
        final int needed = slavesNeeded();
        if (needed == 0)
        {
            return;
        }
        synchronized (waiters)
        {
            if (waiters.isEmpty())
            {
                return;
            }
            final long acked = acknowledged(needed);
            for (final Iterator<Waiter> it = waiters.iterator(); it.hasNext(); )
            {
                final Waiter waiter = it.next();
                if (waiter.offset <= acked)
                {
                    it.remove();
                    waiter.done.complete(null);
                }
            }
        }
    }

    /**
     * Fails the sends whose wait ended. Broker agent.
     *
     * @return how many failed.
     */
    int expire()
    {
        int expired = 0;
        synchronized (waiters)
        {
            if (waiters.isEmpty())
            {
                return 0;
            }
            final long nowNs = nanoClock.nanoTime();
            for (final Iterator<Waiter> it = waiters.iterator(); it.hasNext(); )
            {
                final Waiter waiter = it.next();
                if (nowNs - waiter.deadlineNs >= 0)
                {
                    it.remove();
                    expired++;
                    waiter.done.completeExceptionally(new RockletException(ErrorCode.REPLICATION_TIMEOUT,
                        "send stored on the master but not acknowledged by enough replicas in time: brokerName=" +
                            brokerName + ", logOffset=" + waiter.offset + ", minInSyncReplicas=" +
                            config.minInSyncReplicas() + ", timeoutMs=" + config.syncReplicationTimeout().toMillis() +
                            ", masterLogEnd=" + logEnd.getAsLong()));
                }
            }
        }
        return expired;
    }

    void failAll(final RockletException reason)
    {
        synchronized (waiters)
        {
            waiters.forEach(waiter -> waiter.done.completeExceptionally(reason));
            waiters.clear();
        }
    }

    /** The offset that at least {@code needed} slaves acknowledged. */
    private long acknowledged(final int needed)
    {
        final long[] acked = ackedOffsets.get();
        if (acked.length < needed)
        {
            return -1;
        }
        Arrays.sort(acked);
        return acked[acked.length - needed];
    }
}

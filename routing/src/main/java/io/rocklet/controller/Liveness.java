package io.rocklet.controller;

import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader's memory of replica heartbeats (not replicated, as in RocketMQ: a new leader starts empty and gives
 * every master one heartbeat timeout of grace), and the choice of a new master from it. Heartbeats are recorded on
 * the transport's threads; the failover agent reads. Thread-safe.
 */
final class Liveness
{
    private final ConcurrentHashMap<Replica, Seen> seen = new ConcurrentHashMap<>();
    private final long timeoutMs;

    /** A replica of a replica set. */
    private record Replica(String brokerName, long brokerId)
    {
    }

    /**
     * The latest heartbeat of a replica.
     *
     * @param atMs         when it arrived (the controller's clock).
     * @param epoch        the epoch the replica reported.
     * @param maxLogOffset the end of its log.
     */
    record Seen(long atMs, long epoch, long maxLogOffset)
    {
    }

    Liveness(final long timeoutMs)
    {
        this.timeoutMs = timeoutMs;
    }

    void heartbeat(final String brokerName, final long brokerId, final long nowMs, final long epoch,
        final long maxLogOffset)
    {
        seen.put(new Replica(brokerName, brokerId), new Seen(nowMs, epoch, maxLogOffset));
    }

    /**
     * Forgets every heartbeat (leadership gained: the old times may be from another term).
     */
    void clear()
    {
        seen.clear();
    }

    /**
     * @return the latest heartbeat of a replica, or null.
     */
    Seen seen(final String brokerName, final long brokerId)
    {
        return seen.get(new Replica(brokerName, brokerId));
    }

    /**
     * @return true when the replica heartbeated within the timeout.
     */
    boolean alive(final String brokerName, final long brokerId, final long nowMs)
    {
        final Seen last = seen(brokerName, brokerId);
        return last != null && nowMs - last.atMs() <= timeoutMs;
    }

    /**
     * @param leaderSinceMs when this controller became leader: a master is given one timeout from then.
     * @return true when the replica set's master has been silent for longer than the timeout.
     */
    boolean masterSilent(final ReplicaSetState set, final long nowMs, final long leaderSinceMs)
    {
        final Seen last = seen(set.brokerName(), set.masterBrokerId());
        final long since = Math.max(leaderSinceMs, last == null ? Long.MIN_VALUE : last.atMs());
        return nowMs - since > timeoutMs;
    }

    /**
     * Chooses a master: among the live in-sync replicas other than {@code excluded}, the one with the largest log
     * (the lowest id on a tie); with {@code unclean}, among every live replica when no in-sync one is alive.
     *
     * @return the chosen id, or {@link ControllerService#NO_MASTER}.
     */
    long choose(final ReplicaSetState set, final long excluded, final long nowMs, final boolean unclean)
    {
        final long clean = best(set, excluded, nowMs, true);
        if (clean != ControllerService.NO_MASTER || !unclean)
        {
            return clean;
        }
        return best(set, excluded, nowMs, false);
    }

    private long best(final ReplicaSetState set, final long excluded, final long nowMs, final boolean inSyncOnly)
    {
        long bestId = ControllerService.NO_MASTER;
        long bestOffset = Long.MIN_VALUE;
        for (final long id : set.replicas().keySet())
        {
            if (id == excluded || (inSyncOnly && !set.syncStateSet().contains(id)) ||
                !alive(set.brokerName(), id, nowMs))
            {
                continue;
            }
            final long offset = Objects.requireNonNull(seen(set.brokerName(), id)).maxLogOffset();
            if (offset > bestOffset || (offset == bestOffset && id < bestId))
            {
                bestId = id;
                bestOffset = offset;
            }
        }
        return bestId;
    }
}

package io.rocklet.broker.internal;

import io.rocklet.api.spi.BrokerService.QueueRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Orderly-consumption queue locks: within a consumer group, a queue is held by at most one client, until the
 * client unlocks it, leaves the group, or fails to renew the lock within the expiry. Guarded by its own monitor
 * (requests come from any thread; the broker agent expires locks).
 */
public final class QueueLocks
{
    private final long expiryNs;
    private final Map<LockKey, Lock> locks = new HashMap<>();

    /** A queue of a topic, locked within a group. */
    private record LockKey(String group, String topic, int queueId)
    {
    }

    /** Who holds a lock and until when (nano clock). */
    private record Lock(String clientId, long expiresAtNs)
    {
    }

    public QueueLocks(final long expiryNs)
    {
        this.expiryNs = expiryNs;
    }

    /**
     * Grants (or renews) the queues that no other client of the group holds.
     *
     * @return the queues {@code clientId} holds now, among those asked for, in the order asked.
     */
    public synchronized List<QueueRef> lock(final String group, final String clientId, final List<QueueRef> queues,
        final long nowNs)
    {
        final List<QueueRef> held = new ArrayList<>(queues.size());
        for (final QueueRef queue : queues)
        {
            final LockKey key = new LockKey(group, queue.topic(), queue.queueId());
            final Lock lock = locks.get(key);
            if (lock == null || lock.clientId().equals(clientId) || lock.expiresAtNs() - nowNs <= 0)
            {
                locks.put(key, new Lock(clientId, nowNs + expiryNs));
                held.add(queue);
            }
        }
        return held;
    }

    /**
     * Releases the queues {@code clientId} holds among {@code queues}.
     */
    public synchronized void unlock(final String group, final String clientId, final List<QueueRef> queues)
    {
        for (final QueueRef queue : queues)
        {
            final LockKey key = new LockKey(group, queue.topic(), queue.queueId());
            final Lock lock = locks.get(key);
            if (lock != null && lock.clientId().equals(clientId))
            {
                locks.remove(key);
            }
        }
    }

    /**
     * Releases every queue {@code clientId} holds in {@code group} (it left the group).
     */
    public synchronized void releaseClient(final String group, final String clientId)
    {
        locks.entrySet().removeIf(e -> e.getKey().group().equals(group) && e.getValue().clientId().equals(clientId));
    }

    /**
     * Drops the locks that expired.
     *
     * @return how many.
     */
    public synchronized int expire(final long nowNs)
    {
        final int before = locks.size();
        locks.values().removeIf(lock -> lock.expiresAtNs() - nowNs <= 0);
        return before - locks.size();
    }
}

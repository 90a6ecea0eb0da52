package io.rocklet.broker.internal;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.MemberState;
import io.rocklet.api.spi.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Consumer groups and client liveness: which clients belong to which group (with their subscriptions), when each
 * client was last heard from, and who watches each group. Membership is guarded by this object's monitor
 * (heartbeats come from any thread, the broker agent expires silent clients); watchers are called after the
 * monitor is released, on the thread that made the change, and one failing watcher does not stop the others.
 * A client that leaves a group also loses its queue locks in it.
 */
public final class ConsumerGroups
{
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroups.class);

    private final long expiryNs;
    private final QueueLocks locks;
    /** client id to when it was last heard from (nano clock). */
    private final Map<String, Long> lastSeenNs = new HashMap<>();
    /** group to (client id to registration), client ids sorted. */
    private final Map<String, TreeMap<String, ConsumerRegistration>> groups = new HashMap<>();
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Watcher>> watchers = new ConcurrentHashMap<>();

    /** A listener on one group. */
    private record Watcher(String clientId, Consumer<GroupEvent> listener)
    {
    }

    public ConsumerGroups(final long expiryNs, final QueueLocks locks)
    {
        this.expiryNs = expiryNs;
        this.locks = locks;
    }

    /**
     * Records that the client is alive and belongs to the groups of its heartbeat; tells the watchers of each group
     * it joined or whose registration changed.
     */
    public void heartbeat(final ClientHeartbeat heartbeat, final long nowNs)
    {
        final List<String> changed = new ArrayList<>();
        synchronized (this)
        {
            lastSeenNs.put(heartbeat.clientId(), nowNs);
            for (final ConsumerRegistration registration : heartbeat.consumers())
            {
                final ConsumerRegistration previous = groups
                    .computeIfAbsent(registration.group(), g -> new TreeMap<>())
                    .put(heartbeat.clientId(), registration);
                if (!registration.equals(previous))
                {
                    changed.add(registration.group());
                    if (previous == null)
                    {
                        LOG.info("client joined group: group={}, clientId={}, model={}", registration.group(),
                            heartbeat.clientId(), registration.messageModel());
                    }
                }
            }
        }
        notifyMembersChanged(changed);
    }

    /**
     * Removes the client from the group at once (it shut down) and tells the group's watchers.
     */
    public void unregister(final String clientId, final String group)
    {
        final boolean removed;
        synchronized (this)
        {
            final TreeMap<String, ConsumerRegistration> members = groups.get(group);
            removed = members != null && members.remove(clientId) != null;
            if (removed && members.isEmpty())
            {
                groups.remove(group);
            }
            if (groups.values().stream().noneMatch(m -> m.containsKey(clientId)))
            {
                lastSeenNs.remove(clientId);
            }
        }
        if (removed)
        {
            LOG.info("client left group: group={}, clientId={}", group, clientId);
            locks.releaseClient(group, clientId);
            notifyMembersChanged(List.of(group));
        }
    }

    /**
     * @return true when a live member of the group registered to start at {@code position}.
     */
    public synchronized boolean anyMemberStartsAt(final String group, final ConsumeFrom.Position position)
    {
        final TreeMap<String, ConsumerRegistration> members = groups.get(group);
        return members != null && members.values().stream()
            .anyMatch(registration -> registration.consumeFrom().position() == position);
    }

    /**
     * @return the group's members' client ids, sorted; empty for an unknown group.
     */
    public synchronized List<String> members(final String group)
    {
        final TreeMap<String, ConsumerRegistration> members = groups.get(group);
        return members == null ? List.of() : List.copyOf(members.keySet());
    }

    /**
     * @return group to its live members (sorted by client id), with how long ago each was last heard from; groups
     *     sorted by name.
     */
    public synchronized Map<String, List<MemberState>> snapshot(final long nowNs)
    {
        final Map<String, List<MemberState>> snapshot = new TreeMap<>();
        groups.forEach((group, members) ->
        {
            final List<MemberState> states = new ArrayList<>(members.size());
            members.forEach((clientId, registration) ->
            {
                final Long seenNs = lastSeenNs.get(clientId);
                final long ageMs = seenNs == null ? 0 : Math.max(0, (nowNs - seenNs) / 1_000_000);
                states.add(new MemberState(clientId, registration, ageMs));
            });
            snapshot.put(group, List.copyOf(states));
        });
        return snapshot;
    }

    /**
     * @return how many clients the broker heard from within the expiry and has not removed.
     */
    public synchronized int clientCount()
    {
        return lastSeenNs.size();
    }

    /**
     * Removes the clients not heard from within the expiry from every group, telling the groups' watchers.
     *
     * @return how many clients expired.
     */
    public int expire(final long nowNs)
    {
        final Set<String> changed = new LinkedHashSet<>();
        final List<String[]> left = new ArrayList<>();
        synchronized (this)
        {
            final Iterator<Map.Entry<String, Long>> clients = lastSeenNs.entrySet().iterator();
            while (clients.hasNext())
            {
                final Map.Entry<String, Long> client = clients.next();
                if (nowNs - client.getValue() < expiryNs)
                {
                    continue;
                }
                clients.remove();
                final Iterator<Map.Entry<String, TreeMap<String, ConsumerRegistration>>> it =
                    groups.entrySet().iterator();
                while (it.hasNext())
                {
                    final Map.Entry<String, TreeMap<String, ConsumerRegistration>> group = it.next();
                    if (group.getValue().remove(client.getKey()) != null)
                    {
                        changed.add(group.getKey());
                        left.add(new String[] {group.getKey(), client.getKey()});
                        if (group.getValue().isEmpty())
                        {
                            it.remove();
                        }
                    }
                }
            }
        }
        for (final String[] member : left)
        {
            LOG.info("client expired: group={}, clientId={}, expiryMs={}", member[0], member[1], expiryNs / 1_000_000);
            locks.releaseClient(member[0], member[1]);
        }
        notifyMembersChanged(changed);
        return left.size();
    }

    /**
     * Calls {@code listener} on every event of {@code group} until the returned subscription is closed.
     */
    public Subscription watch(final String group, final String clientId, final Consumer<GroupEvent> listener)
    {
        final Watcher watcher = new Watcher(clientId, listener);
        watchers.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(watcher);
        return () ->
        {
            final CopyOnWriteArrayList<Watcher> list = watchers.get(group);
            if (list != null)
            {
                list.remove(watcher);
            }
        };
    }

    /**
     * Tells the group's watchers that something happened.
     */
    public void notifyWatchers(final String group, final GroupEvent.Kind kind)
    {
        notifyWatchers(new GroupEvent(group, kind));
    }

    /**
     * Tells the event's group's watchers about it.
     */
    public void notifyWatchers(final GroupEvent event)
    {
        final String group = event.group();
        final GroupEvent.Kind kind = event.kind();
        final CopyOnWriteArrayList<Watcher> list = watchers.get(group);
        if (list == null)
        {
            return;
        }
        for (final Watcher watcher : list)
        {
            try
            {
                watcher.listener().accept(event);
            }
            catch (final RuntimeException e)
            {
                LOG.warn("group watcher failed: group={}, kind={}, watcherClientId={}, error={}", group, kind,
                    watcher.clientId(), e.toString(), e);
            }
        }
    }

    private void notifyMembersChanged(final Iterable<String> changed)
    {
        for (final String group : changed)
        {
            notifyWatchers(group, GroupEvent.Kind.MEMBERS_CHANGED);
        }
    }
}

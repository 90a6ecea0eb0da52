package io.rocklet.router;

import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.RegisteredBroker;
import io.rocklet.api.spi.RouterService.TopicRoute;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The router's table: cluster -> broker name (replica set) -> broker id -> address, the time each broker
 * last registered, and the topics each one holds.
 *
 * <p>A replica set's topics are those of its master's latest registration; while the master is absent,
 * those of its lowest-id live slave (so that consumers can still read from the slave). A registration
 * replaces the broker's previous topic list, so a topic the broker dropped leaves the routes, and a topic
 * no broker holds any more disappears.
 *
 * <p>Thread-safe: every method holds the table's monitor. Calls are short (no I/O) and come from the
 * transport's threads and from the router's scan thread.
 */
final class BrokerTable
{
    /** How long a departed broker's late registrations are ignored: longer than any call's deadline. */
    static final long DEPARTURE_MEMORY_MS = 10_000;
    private final Map<String, ReplicaSet> replicaSets = new HashMap<>();
    /** Brokers that unregistered, by address: the data version they held and when they left. */
    private final Map<String, Departure> departed = new HashMap<>();
    /** Brokers removed because their connection closed, by address: an unregistration that follows still counts. */
    private final Map<String, Departure> disconnected = new HashMap<>();

    /** A broker that unregistered: a registration it sent before (a version up to this one) is stale. */
    private record Departure(long dataVersion, long atMs)
    {
    }

    /**
     * Adds or refreshes a broker.
     *
     * @return the master's address for a slave whose master is registered, "" otherwise.
     */
    synchronized String register(final BrokerRegistration registration, final long nowMs)
    {
        final BrokerIdentity broker = registration.broker();
        final Departure departure = departed.get(broker.address());
        if (departure != null)
        {
            if (registration.dataVersion() <= departure.dataVersion && nowMs - departure.atMs <= DEPARTURE_MEMORY_MS)
            {
                return ""; // sent before the broker unregistered and overtaken by that (a network transport)
            }
            departed.remove(broker.address()); // a new life of the broker (data versions grow across restarts)
        }
        final ReplicaSet set = replicaSets.computeIfAbsent(broker.brokerName(), name -> new ReplicaSet());
        set.clusterName = broker.clusterName();
        // a broker that changed its role (a slave promoted to master, a master turned slave) keeps its address
        set.members.entrySet().removeIf(member -> member.getKey() != broker.brokerId() &&
            member.getValue().address.equals(broker.address()));
        final Member held = set.members.get(broker.brokerId());
        if (held != null && held.address.equals(broker.address()) && registration.dataVersion() < held.dataVersion)
        {
            // an older registration overtaken by a newer one (a network transport may run two calls of one
            // broker at once): data versions only grow, so keep the newer topics; the broker is alive all the same
            set.members.put(broker.brokerId(), new Member(held.address, held.topics, nowMs, held.dataVersion,
                held.masterEpoch));
        }
        else
        {
            final Map<String, TopicConfig> topics = new HashMap<>();
            for (final TopicConfig topic : registration.topics())
            {
                topics.put(topic.name(), topic);
            }
            set.members.put(broker.brokerId(), new Member(broker.address(), topics, nowMs,
                registration.dataVersion(), registration.masterEpoch()));
        }
        if (broker.brokerId() == 0)
        {
            return "";
        }
        final Member master = set.members.get(0L);
        return master == null ? "" : master.address;
    }

    /**
     * Removes a broker that is leaving; a registration it sent earlier that arrives later is ignored.
     *
     * @return true when the broker was registered (at the address given) and is now removed.
     */
    synchronized boolean unregister(final BrokerIdentity broker, final long nowMs)
    {
        final Departure lostConnection = disconnected.remove(broker.address());
        if (lostConnection != null)
        {
            // removed when its connection closed (it unbinds before it unregisters): its registrations are stale
            departed.put(broker.address(), new Departure(lostConnection.dataVersion, nowMs));
        }
        final ReplicaSet set = replicaSets.get(broker.brokerName());
        if (set == null)
        {
            return false;
        }
        final Member member = set.members.get(broker.brokerId());
        if (member == null || !member.address.equals(broker.address()))
        {
            return false;
        }
        departed.put(broker.address(), new Departure(member.dataVersion, nowMs));
        remove(broker.brokerName(), set, broker.brokerId());
        return true;
    }

    /**
     * Removes a broker whose last connection closed. Unlike {@link #unregister}, its next registration is taken
     * whatever its data version (a broker that reconnects registers the topics it had); only an unregistration that
     * follows marks its earlier registrations stale.
     *
     * @return true when the broker was registered (at the address given) and is now removed.
     */
    synchronized boolean disconnect(final BrokerIdentity broker, final long nowMs)
    {
        final ReplicaSet set = replicaSets.get(broker.brokerName());
        final Member member = set == null ? null : set.members.get(broker.brokerId());
        if (member == null || !member.address.equals(broker.address()))
        {
            return false;
        }
        disconnected.put(broker.address(), new Departure(member.dataVersion, nowMs));
        remove(broker.brokerName(), set, broker.brokerId());
        return true;
    }

    /**
     * @return the address of the broker with this name and id, or null when none is registered.
     */
    /**
     * @return the master epoch the member registered with, or -1 when there is no such member.
     */
    synchronized long memberEpoch(final String brokerName, final long brokerId)
    {
        final ReplicaSet set = replicaSets.get(brokerName);
        final Member member = set == null ? null : set.members.get(brokerId);
        return member == null ? -1 : member.masterEpoch;
    }

    synchronized String memberAddress(final String brokerName, final long brokerId)
    {
        final ReplicaSet set = replicaSets.get(brokerName);
        final Member member = set == null ? null : set.members.get(brokerId);
        return member == null ? null : member.address;
    }

    /**
     * @return true when a broker with this name and id is registered.
     */
    synchronized boolean isRegistered(final String brokerName, final long brokerId)
    {
        final ReplicaSet set = replicaSets.get(brokerName);
        return set != null && set.members.containsKey(brokerId);
    }

    /**
     * Removes every broker whose last registration is older than {@code expiryMs}.
     *
     * @return the brokers removed.
     */
    synchronized List<BrokerIdentity> expire(final long nowMs, final long expiryMs)
    {
        departed.values().removeIf(departure -> nowMs - departure.atMs > DEPARTURE_MEMORY_MS);
        disconnected.values().removeIf(departure -> nowMs - departure.atMs > DEPARTURE_MEMORY_MS);
        final List<BrokerIdentity> expired = new ArrayList<>();
        for (final Map.Entry<String, ReplicaSet> entry : new ArrayList<>(replicaSets.entrySet()))
        {
            final ReplicaSet set = entry.getValue();
            for (final Map.Entry<Long, Member> member : new ArrayList<>(set.members.entrySet()))
            {
                if (nowMs - member.getValue().lastRegistrationMs > expiryMs)
                {
                    expired.add(new BrokerIdentity(set.clusterName, entry.getKey(), member.getKey(),
                        member.getValue().address));
                    remove(entry.getKey(), set, member.getKey());
                }
            }
        }
        return expired;
    }

    /**
     * @return the topic's route, or null when no broker holds it.
     */
    synchronized TopicRoute route(final String topic)
    {
        List<QueueRoute> queues = null;
        List<BrokerRoute> brokers = null;
        for (final Map.Entry<String, ReplicaSet> entry : replicaSets.entrySet())
        {
            final TopicConfig config = entry.getValue().topicsOwner().topics.get(topic);
            if (config != null)
            {
                if (queues == null)
                {
                    queues = new ArrayList<>();
                    brokers = new ArrayList<>();
                }
                queues.add(new QueueRoute(entry.getKey(), config.readQueues(), config.writeQueues(),
                    config.permission()));
                brokers.add(entry.getValue().route(entry.getKey()));
            }
        }
        return queues == null ? null : new TopicRoute(topic, queues, brokers);
    }

    synchronized ClusterInfo clusterInfo()
    {
        final Map<String, Set<String>> clusters = new HashMap<>();
        final Map<String, BrokerRoute> brokers = new HashMap<>();
        for (final Map.Entry<String, ReplicaSet> entry : replicaSets.entrySet())
        {
            clusters.computeIfAbsent(entry.getValue().clusterName, name -> new TreeSet<>()).add(entry.getKey());
            brokers.put(entry.getKey(), entry.getValue().route(entry.getKey()));
        }
        final Map<String, Set<String>> frozen = new HashMap<>();
        clusters.forEach((cluster, names) -> frozen.put(cluster, Set.copyOf(names)));
        return new ClusterInfo(frozen, brokers);
    }

    /**
     * @return every registered broker with its latest registration, sorted by broker name then id.
     */
    synchronized List<RegisteredBroker> registeredBrokers()
    {
        final List<RegisteredBroker> brokers = new ArrayList<>();
        new TreeMap<>(replicaSets).forEach((name, set) -> set.members.forEach((id, member) ->
            brokers.add(new RegisteredBroker(new BrokerIdentity(set.clusterName, name, id, member.address),
                member.lastRegistrationMs, member.dataVersion, member.topics.size()))));
        return brokers;
    }

    private void remove(final String brokerName, final ReplicaSet set, final long brokerId)
    {
        set.members.remove(brokerId);
        if (set.members.isEmpty())
        {
            replicaSets.remove(brokerName);
        }
    }

    /**
     * One broker name's members, by broker id (0 = master first).
     */
    private static final class ReplicaSet
    {
        private final TreeMap<Long, Member> members = new TreeMap<>();
        private String clusterName;

        /**
         * @return the member whose topics stand for the set: the master, else the lowest-id slave.
         */
        Member topicsOwner()
        {
            return members.firstEntry().getValue();
        }

        BrokerRoute route(final String brokerName)
        {
            final Map<Long, String> addresses = new HashMap<>();
            members.forEach((id, member) -> addresses.put(id, member.address));
            return new BrokerRoute(clusterName, brokerName, addresses);
        }
    }

    /**
     * One broker's latest registration.
     */
    /**
     * @param masterEpoch the epoch its failover controllers gave it as master (0 without controllers, or a slave).
     */
    private record Member(String address, Map<String, TopicConfig> topics, long lastRegistrationMs, long dataVersion,
        long masterEpoch)
    {
    }
}

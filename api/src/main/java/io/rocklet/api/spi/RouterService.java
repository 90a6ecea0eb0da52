package io.rocklet.api.spi;

import io.rocklet.api.TopicConfig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The router's contract (RocketMQ's NameServer): brokers register and heartbeat with every router;
 * clients ask for topic routes and cluster information. Routers never talk to each other. Every call
 * completes its future with the answer or a {@link io.rocklet.api.RockletException}.
 */
public interface RouterService extends AccessService
{
    /**
     * Registers a broker or refreshes its registration (the periodic heartbeat carries its full topic list,
     * so the router's table follows the broker's topics).
     */
    CompletableFuture<RegistrationResult> registerBroker(BrokerRegistration registration);

    /**
     * Removes a broker at once (orderly shutdown).
     */
    CompletableFuture<Void> unregisterBroker(BrokerIdentity broker);

    /**
     * Called by the transport that serves this router, never by a peer: no live connection remains over which
     * {@code broker} registered (its process died, its network is gone, or it stopped being served). The router
     * removes the broker at once instead of waiting for its registration to expire; a later registration (the broker
     * reconnected or restarted) restores it. Transports track connections with {@link BrokerLinks}.
     */
    default void brokerDisconnected(BrokerIdentity broker)
    {
    }

    /**
     * @return the route of {@code topic}; fails with {@link io.rocklet.api.ErrorCode#TOPIC_NOT_FOUND} when no
     *     registered broker has it.
     */
    CompletableFuture<TopicRoute> queryRoute(String topic);

    /**
     * @return the clusters and brokers this router knows.
     */
    CompletableFuture<ClusterInfo> clusterInfo();

    /**
     * @return every broker registered with this router, with when it last registered (its heartbeat), sorted by
     *     broker name then id.
     */
    CompletableFuture<List<RegisteredBroker>> registeredBrokers();

    /**
     * Which broker this is.
     *
     * @param clusterName cluster the broker belongs to.
     * @param brokerName  replica set.
     * @param brokerId    0 for the master, 1 and up for slaves.
     * @param address     transport address clients reach it at.
     */
    record BrokerIdentity(String clusterName, String brokerName, long brokerId, String address)
    {
    }

    /**
     * A registration or heartbeat.
     *
     * @param broker      the broker.
     * @param topics      every topic it holds.
     * @param dataVersion grows whenever the topic list changes.
     * @param masterEpoch a master's epoch from its failover controllers (0 without): a master of a higher epoch
     *                    replaces the registered master of its replica set at once (the old one may be dead and not
     *                    yet expired).
     */
    record BrokerRegistration(BrokerIdentity broker, List<TopicConfig> topics, long dataVersion, long masterEpoch)
    {
        public BrokerRegistration
        {
            topics = List.copyOf(topics);
        }

        /**
         * A registration without a master epoch (a broker without failover controllers).
         */
        public BrokerRegistration(final BrokerIdentity broker, final List<TopicConfig> topics, final long dataVersion)
        {
            this(broker, topics, dataVersion, 0);
        }
    }

    /**
     * @param masterAddress the master's address, for a slave; empty otherwise.
     */
    record RegistrationResult(String masterAddress)
    {
    }

    /**
     * @param topic   the topic.
     * @param queues  one entry per broker that has the topic.
     * @param brokers addresses of those brokers.
     */
    record TopicRoute(String topic, List<QueueRoute> queues, List<BrokerRoute> brokers)
    {
        public TopicRoute
        {
            queues = List.copyOf(queues);
            brokers = List.copyOf(brokers);
        }
    }

    /**
     * The topic's queues on one broker.
     */
    record QueueRoute(String brokerName, int readQueues, int writeQueues, int permission)
    {
    }

    /**
     * A replica set's members: broker id (0 = master) to address.
     */
    record BrokerRoute(String clusterName, String brokerName, Map<Long, String> addresses)
    {
        public BrokerRoute
        {
            addresses = Map.copyOf(addresses);
        }

        /**
         * @return the master's address, or null when the master is not registered.
         */
        public String masterAddress()
        {
            return addresses.get(0L);
        }
    }

    /**
     * @param clusters cluster name to broker names.
     * @param brokers  broker name to its replica set.
     */
    record ClusterInfo(Map<String, Set<String>> clusters, Map<String, BrokerRoute> brokers)
    {
        public ClusterInfo
        {
            clusters = Map.copyOf(clusters);
            brokers = Map.copyOf(brokers);
        }
    }

    /**
     * A broker as one router knows it.
     *
     * @param broker             the broker.
     * @param lastRegistrationMs when its latest registration (heartbeat) arrived, router's wall clock.
     * @param dataVersion        the data version of that registration.
     * @param topicCount         topics that registration listed.
     */
    record RegisteredBroker(BrokerIdentity broker, long lastRegistrationMs, long dataVersion, int topicCount)
    {
    }
}

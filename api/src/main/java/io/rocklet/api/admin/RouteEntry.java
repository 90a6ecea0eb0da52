package io.rocklet.api.admin;

import io.rocklet.api.TopicConfig;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One broker (replica set) of a topic's route.
 *
 * @param clusterName the broker's cluster.
 * @param brokerName  the broker (replica set).
 * @param readQueues  queues consumers read.
 * @param writeQueues queues producers write.
 * @param permission  {@link TopicConfig#PERM_READ}, {@link TopicConfig#PERM_WRITE} or both.
 * @param addresses   broker id (0 = master) to address, sorted by id.
 */
public record RouteEntry(String clusterName, String brokerName, int readQueues, int writeQueues, int permission,
    Map<Long, String> addresses)
{
    public RouteEntry
    {
        addresses = Collections.unmodifiableMap(new TreeMap<>(addresses));
    }

    /**
     * @return the master's address, or {@code ""} while no master is registered.
     */
    public String masterAddress()
    {
        return addresses.getOrDefault(0L, "");
    }
}

package io.rocklet.api.admin;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One broker: what the routers know of it and, when it answers, what it says of itself.
 *
 * @param clusterName     its cluster.
 * @param brokerName      its replica set.
 * @param brokerId        0 for the master, 1 and up for slaves.
 * @param address         where it is served.
 * @param lastHeartbeatMs when the latest of its registrations reached a router (routers' wall clock).
 * @param registeredWith  the routers it is registered with, sorted.
 * @param reachable       whether it answered the admin.
 * @param startedMs       when it started, or -1 when it did not answer.
 * @param topicCount      topics it holds (system topics included), or -1 when it did not answer.
 * @param groupCount      consumer groups it knows, or -1 when it did not answer.
 * @param clientCount     clients it heard from recently, or -1 when it did not answer.
 * @param writable        false while its store refuses writes (fenced, disk full) or when it did not answer.
 * @param error           why it did not answer, or {@code ""}.
 * @param timedPending    per topic, messages it holds waiting for a delivery time ({@code deliverAt},
 *                        {@code deliverAfter}), sorted by topic; empty when none or it did not answer.
 * @param levelPending    per topic, messages it holds waiting for a delay level, sorted by topic; empty when none or
 *                        it did not answer.
 * @param replicationLagBytes on a master, how far its furthest-behind slave is from its log end; on a slave, how far it
 *                            is from its master's.
 * @param replicationLagMs    how long that replica has not had everything.
 * @param truncatedBytes      the bytes of its own tail the broker cut when it last rejoined its replica set as a slave
 *                            (written as master, never received by the new master), or 0.
 * @param truncatedMessages   the messages those bytes held, or 0.
 */
public record BrokerState(String clusterName, String brokerName, long brokerId, String address,
    long lastHeartbeatMs, List<String> registeredWith, boolean reachable, long startedMs, int topicCount,
    int groupCount, int clientCount, boolean writable, String error, Map<String, Long> timedPending,
    Map<String, Long> levelPending, long replicationLagBytes, long replicationLagMs, long truncatedBytes,
    long truncatedMessages)
{
    /**
     * A broker state without a truncated tail.
     */
    public BrokerState(final String clusterName, final String brokerName, final long brokerId, final String address,
        final long lastHeartbeatMs, final List<String> registeredWith, final boolean reachable, final long startedMs,
        final int topicCount, final int groupCount, final int clientCount, final boolean writable, final String error,
        final Map<String, Long> timedPending, final Map<String, Long> levelPending, final long replicationLagBytes,
        final long replicationLagMs)
    {
        this(clusterName, brokerName, brokerId, address, lastHeartbeatMs, registeredWith, reachable, startedMs,
            topicCount, groupCount, clientCount, writable, error, timedPending, levelPending, replicationLagBytes,
            replicationLagMs, 0, 0);
    }

    /**
     * A broker state without level-delay counts and replication figures.
     */
    public BrokerState(final String clusterName, final String brokerName, final long brokerId, final String address,
        final long lastHeartbeatMs, final List<String> registeredWith, final boolean reachable, final long startedMs,
        final int topicCount, final int groupCount, final int clientCount, final boolean writable, final String error,
        final Map<String, Long> timedPending)
    {
        this(clusterName, brokerName, brokerId, address, lastHeartbeatMs, registeredWith, reachable, startedMs,
            topicCount, groupCount, clientCount, writable, error, timedPending, Map.of(), 0, 0, 0, 0);
    }

    public BrokerState
    {
        registeredWith = List.copyOf(registeredWith);
        timedPending = sorted(timedPending);
        levelPending = sorted(levelPending);
    }

    /**
     * A broker state without timed messages.
     */
    public BrokerState(final String clusterName, final String brokerName, final long brokerId, final String address,
        final long lastHeartbeatMs, final List<String> registeredWith, final boolean reachable, final long startedMs,
        final int topicCount, final int groupCount, final int clientCount, final boolean writable, final String error)
    {
        this(clusterName, brokerName, brokerId, address, lastHeartbeatMs, registeredWith, reachable, startedMs,
            topicCount, groupCount, clientCount, writable, error, Map.of(), Map.of(), 0, 0, 0, 0);
    }

    private static Map<String, Long> sorted(final Map<String, Long> counts)
    {
        return counts == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(counts));
    }
}

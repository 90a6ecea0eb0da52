package io.rocklet.api.admin;

import java.util.List;

/**
 * The routers a client is configured with and the brokers they know, each with its state.
 *
 * @param routers every router of the client's configuration, in configuration order.
 * @param brokers every broker a reachable router knows, sorted by broker name then id.
 */
public record ClusterStatus(List<RouterState> routers, List<BrokerState> brokers)
{
    public ClusterStatus
    {
        routers = List.copyOf(routers);
        brokers = List.copyOf(brokers);
    }
}

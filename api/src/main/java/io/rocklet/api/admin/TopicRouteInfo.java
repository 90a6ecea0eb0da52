package io.rocklet.api.admin;

import java.util.List;

/**
 * A topic's route as the routers serve it to producers and consumers.
 *
 * @param topic   the topic.
 * @param brokers one entry per broker (replica set) holding the topic, sorted by broker name.
 */
public record TopicRouteInfo(String topic, List<RouteEntry> brokers)
{
    public TopicRouteInfo
    {
        brokers = List.copyOf(brokers);
    }
}

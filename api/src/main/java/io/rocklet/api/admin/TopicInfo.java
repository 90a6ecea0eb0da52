package io.rocklet.api.admin;

import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topic and how each broker that holds it is configured.
 *
 * @param name    the topic.
 * @param brokers broker name to the topic's configuration on that broker, sorted by broker name.
 */
public record TopicInfo(String name, Map<String, TopicConfig> brokers)
{
    public TopicInfo
    {
        brokers = Collections.unmodifiableMap(new TreeMap<>(brokers));
    }

    /**
     * @return true for the brokers' own topics ({@code %RETRY%<group>}, {@code %DLQ%<group>}, {@code %SCHEDULE%}).
     */
    public boolean system()
    {
        return SystemTopics.isSystem(name);
    }
}

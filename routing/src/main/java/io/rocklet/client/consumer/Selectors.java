package io.rocklet.client.consumer;

import io.rocklet.api.MessageSelector;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Subscriptions as a group registration shows them: topic to {@link MessageSelector#toString()} (the tag
 * expression, or {@code "SQL92:"} and the SQL expression). Stateless.
 */
final class Selectors
{
    private Selectors()
    {
    }

    static Map<String, String> describe(final Map<String, MessageSelector> selectors)
    {
        final Map<String, String> described = new LinkedHashMap<>();
        selectors.forEach((topic, selector) -> described.put(topic, selector.toString()));
        return Map.copyOf(described);
    }
}

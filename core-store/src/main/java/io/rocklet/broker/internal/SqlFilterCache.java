package io.rocklet.broker.internal;

import io.rocklet.api.filter.SqlFilter;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed SQL92 filters per (group, topic, expression), so that the broker parses an expression once, not on every
 * pull. Bounded: when it holds {@code maxEntries} it is emptied (expressions in use are parsed again on their next
 * pull). Thread-safe: pulls arrive on any thread.
 */
final class SqlFilterCache
{
    private record Key(String group, String topic, String expression)
    {
    }

    private final ConcurrentHashMap<Key, SqlFilter> filters = new ConcurrentHashMap<>();
    private final int maxEntries;

    SqlFilterCache(final int maxEntries)
    {
        this.maxEntries = maxEntries;
    }

    /**
     * @return the parsed filter.
     * @throws io.rocklet.api.InvalidArgumentException when the expression is malformed (not cached).
     */
    SqlFilter get(final String group, final String topic, final String expression)
    {
        final Key key = new Key(group, topic, expression);
        final SqlFilter cached = filters.get(key);
        if (cached != null)
        {
            return cached;
        }
        if (filters.size() >= maxEntries)
        {
            filters.clear();
        }
        return filters.computeIfAbsent(key, k -> SqlFilter.parse(k.expression()));
    }

    int size()
    {
        return filters.size();
    }
}

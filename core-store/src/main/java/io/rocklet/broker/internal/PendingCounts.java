package io.rocklet.broker.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many delayed messages wait per real topic, for the broker's status; persisted by its owner as
 * {@code pending <topic> <count>} records. Written by one thread (the broker agent), read from any.
 */
public final class PendingCounts
{
    /** The first word of a persisted record. */
    public static final String RECORD = "pending";

    private final Map<String, Long> counts = new ConcurrentHashMap<>();

    public void increment(final String topic)
    {
        counts.merge(topic, 1L, Long::sum);
    }

    public void decrement(final String topic)
    {
        counts.computeIfPresent(topic, (name, count) -> count > 1 ? count - 1 : null);
    }

    /**
     * Loads a persisted record's count.
     */
    public void set(final String topic, final long count)
    {
        if (count > 0)
        {
            counts.put(topic, count);
        }
    }

    /**
     * @return per topic, how many wait (topics with none left out), sorted by topic.
     */
    public Map<String, Long> snapshot()
    {
        return new TreeMap<>(counts);
    }

    /**
     * Adds one {@code pending <topic> <count>} record per topic to {@code records}, sorted by topic.
     */
    public void addRecords(final List<String> records)
    {
        snapshot().forEach((topic, count) -> records.add(RECORD + " " + topic + " " + count));
    }
}

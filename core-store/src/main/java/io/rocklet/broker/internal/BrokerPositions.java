package io.rocklet.broker.internal;

import io.rocklet.api.TopicConfig;
import io.rocklet.broker.metrics.ConsumerPositions;
import io.rocklet.store.MessageStore;

/**
 * The broker's offsets as the metrics' lag gauges read them: queue counts from the topic table, queue offsets from
 * the store, committed offsets from the offset table. Read on the registry's thread, when it is scraped.
 */
public final class BrokerPositions implements ConsumerPositions
{
    private final MessageStore store;
    private final TopicConfigStore topics;
    private final OffsetTable offsets;
    private final ConsumerGroups groups;

    public BrokerPositions(final MessageStore store, final TopicConfigStore topics, final OffsetTable offsets,
        final ConsumerGroups groups)
    {
        this.store = store;
        this.topics = topics;
        this.offsets = offsets;
        this.groups = groups;
    }

    @Override
    public int queueCount(final String topic)
    {
        final TopicConfig config = topics.get(topic);
        return config == null ? 0 : config.readQueues();
    }

    @Override
    public long minOffset(final String topic, final int queueId)
    {
        return store.minOffset(topic, queueId);
    }

    @Override
    public long maxOffset(final String topic, final int queueId)
    {
        return store.maxOffset(topic, queueId);
    }

    @Override
    public long committedOffset(final String group, final String topic, final int queueId)
    {
        return offsets.query(group, topic, queueId);
    }

    @Override
    public int clientCount()
    {
        return groups.clientCount();
    }
}

package io.rocklet.broker.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.TopicNames;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import io.rocklet.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Administration: topics (create, update, delete - system topics are the broker's own), queue offsets, offset
 * search by time and resets of a group's committed offsets. Runs on the caller's thread.
 */
public final class AdminService
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

    private final MessageStore store;
    private final TopicConfigStore topics;
    private final OffsetTable offsets;
    private final ConsumerGroups groups;
    private final String brokerName;

    public AdminService(final MessageStore store, final TopicConfigStore topics, final OffsetTable offsets,
        final ConsumerGroups groups, final String brokerName)
    {
        this.store = store;
        this.topics = topics;
        this.offsets = offsets;
        this.groups = groups;
        this.brokerName = brokerName;
    }

    /**
     * Creates or replaces a topic; topics starting with {@code %} are refused (ILLEGAL_TOPIC).
     */
    public void createOrUpdateTopic(final TopicConfig topic)
    {
        if (SystemTopics.isSystem(topic.name()))
        {
            throw new InvalidArgumentException(ErrorCode.ILLEGAL_TOPIC, "cannot create a system topic: topic=" +
                topic.name() + " (topics starting with % are reserved for the broker)");
        }
        if (topics.put(topic))
        {
            LOG.info("topic created or updated: broker={}, topic={}", brokerName, topic);
        }
    }

    /**
     * Removes a topic from the table, forgets the groups' offsets of it and deletes its messages from the store's view
     * (its queues restart at 0; its records, found by no lookup any more, age out of the log with retention), so that
     * a topic created again under the name starts empty.
     *
     * @return completes once the store has reset the topic's queues.
     */
    public CompletableFuture<Void> deleteTopic(final String topic)
    {
        TopicNames.validate(topic);
        if (topics.remove(topic) == null)
        {
            throw topicNotFound(topic);
        }
        offsets.removeTopic(topic);
        final CompletableFuture<Void> reset = store.deleteTopic(topic);
        LOG.info("topic deleted: broker={}, topic={}", brokerName, topic);
        return reset;
    }

    public QueueOffsets queueOffsets(final String topic, final int queueId)
    {
        existingTopic(topic);
        return new QueueOffsets(store.minOffset(topic, queueId), store.maxOffset(topic, queueId));
    }

    /**
     * @return queue id to offsets, for every queue of the topic (read or write).
     */
    public Map<Integer, QueueOffsets> topicOffsets(final String name)
    {
        final TopicConfig topic = existingTopic(name);
        final Map<Integer, QueueOffsets> queues = new LinkedHashMap<>();
        for (int queueId = 0; queueId < Math.max(topic.readQueues(), topic.writeQueues()); queueId++)
        {
            queues.put(queueId, new QueueOffsets(store.minOffset(name, queueId), store.maxOffset(name, queueId)));
        }
        return Collections.unmodifiableMap(queues);
    }

    public long searchOffset(final String topic, final int queueId, final long timestampMs)
    {
        existingTopic(topic);
        return store.offsetForTimestamp(topic, queueId, timestampMs);
    }

    /**
     * Sets the group's committed offset of every queue of the topic to the position asked for, and tells the
     * group's watchers the new offsets.
     *
     * @return queue id to new offset.
     */
    public Map<Integer, Long> resetOffsets(final ResetOffsetsRequest request)
    {
        RequestChecks.group(request.group());
        if (request.position() == null)
        {
            throw new InvalidArgumentException("illegal offset reset: request=" + request + ", position=null");
        }
        final TopicConfig topic = existingTopic(request.topic());
        final Map<Integer, Long> reset = new LinkedHashMap<>();
        for (int queueId = 0; queueId < topic.readQueues(); queueId++)
        {
            final long offset = switch (request.position())
            {
                case FIRST -> store.minOffset(topic.name(), queueId);
                case LAST -> store.maxOffset(topic.name(), queueId);
                case TIMESTAMP -> store.offsetForTimestamp(topic.name(), queueId, request.timestampMs());
            };
            offsets.commit(request.group(), topic.name(), queueId, offset);
            reset.put(queueId, offset);
        }
        LOG.info("offsets reset: broker={}, group={}, topic={}, position={}, timestampMs={}, offsets={}", brokerName,
            request.group(), topic.name(), request.position(), request.timestampMs(), reset);
        groups.notifyWatchers(new GroupEvent(request.group(), GroupEvent.Kind.OFFSETS_RESET, topic.name(), reset));
        return Collections.unmodifiableMap(reset);
    }

    private TopicConfig existingTopic(final String name)
    {
        final TopicConfig topic = topics.get(TopicNames.validate(name));
        if (topic == null)
        {
            throw topicNotFound(name);
        }
        return topic;
    }

    private RockletException topicNotFound(final String topic)
    {
        return new RockletException(ErrorCode.TOPIC_NOT_FOUND, "no such topic: topic=" + topic + ", broker=" +
            brokerName);
    }
}

package io.rocklet.broker.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageView;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicNames;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.api.spi.BrokerService.KeyQuery;
import io.rocklet.store.MessageIds;
import io.rocklet.store.MessageStore;

import java.util.List;

/**
 * Message lookups for administration: by id and by key within a time range. Read-only; runs on the caller's thread
 * (the broker calls it once every acknowledged send is readable).
 */
public final class MessageQueries
{
    /** Most messages one key query returns. */
    public static final int MAX_KEY_QUERY_COUNT = 1024;

    private final MessageStore store;
    private final TopicConfigStore topics;
    private final String brokerName;

    public MessageQueries(final MessageStore store, final TopicConfigStore topics, final String brokerName)
    {
        this.store = store;
        this.topics = topics;
        this.brokerName = brokerName;
    }

    /**
     * @return for an offset id, the message it names; for a unique id, every copy this store holds (as sent,
     *     retried, dead-lettered), oldest first; an empty list when this store holds none.
     * @throws InvalidArgumentException when the id is malformed.
     */
    public List<MessageView> messageById(final String messageId)
    {
        return List.copyOf(store.messagesById(messageId));
    }

    /**
     * @throws InvalidArgumentException when {@code messageId} is neither an offset id nor a unique id.
     */
    public static void checkId(final String messageId)
    {
        if (!UniqueMessageIds.isUniqueId(messageId))
        {
            MessageIds.storeTag(messageId);
        }
    }

    /**
     * Fails at once on a malformed query or a topic this broker does not hold.
     */
    public KeyQuery check(final KeyQuery query)
    {
        TopicNames.validate(query.topic());
        if (query.key() == null || query.key().isEmpty())
        {
            throw new InvalidArgumentException("illegal key query: key=" + query.key() + ", topic=" + query.topic());
        }
        if (query.beginTimestampMs() < 0 || query.endTimestampMs() < query.beginTimestampMs())
        {
            throw new InvalidArgumentException("illegal key query: beginTimestampMs=" + query.beginTimestampMs() +
                ", endTimestampMs=" + query.endTimestampMs() + ", allowed: 0 <= begin <= end");
        }
        if (query.maxCount() < 1 || query.maxCount() > MAX_KEY_QUERY_COUNT)
        {
            throw new InvalidArgumentException("illegal key query: maxCount=" + query.maxCount() + ", allowed: 1.." +
                MAX_KEY_QUERY_COUNT);
        }
        if (topics.get(query.topic()) == null)
        {
            throw new RockletException(ErrorCode.TOPIC_NOT_FOUND, "no such topic: topic=" + query.topic() +
                ", broker=" + brokerName);
        }
        return query;
    }

    /**
     * @return the messages carrying the key in the time range, oldest first.
     */
    public List<MessageView> messagesByKey(final KeyQuery query)
    {
        return List.copyOf(store.messagesByKey(query.topic(), query.key(), query.beginTimestampMs(),
            query.endTimestampMs(), query.maxCount()));
    }
}

package io.rocklet.client.admin;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Limits;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.TopicNames;

/**
 * Argument checks of the admin operations, made before any call; each failure is an
 * {@link InvalidArgumentException} naming the field. Stateless.
 */
final class AdminChecks
{
    /** Most messages one key query returns (the brokers' limit too). */
    static final int MAX_KEY_QUERY_COUNT = 1024;

    private AdminChecks()
    {
    }

    static String topic(final String topic)
    {
        return TopicNames.validate(topic);
    }

    /**
     * A topic an administrator may create or change: not null, not a system topic.
     */
    static TopicConfig userTopic(final TopicConfig topic, final String operation)
    {
        if (topic == null)
        {
            throw new InvalidArgumentException("cannot " + operation + " topic: topic=null");
        }
        if (SystemTopics.isSystem(topic.name()))
        {
            throw new InvalidArgumentException(ErrorCode.ILLEGAL_TOPIC, "cannot " + operation +
                " a system topic: topic=" + topic.name());
        }
        return topic;
    }

    static String group(final String group, final String operation)
    {
        if (group == null || !TopicNames.isValid(group))
        {
            throw new InvalidArgumentException(operation + ": illegal group=" + group + ", allowed=[%|a-zA-Z0-9_-], 1.." +
                Limits.MAX_TOPIC_LENGTH + " characters");
        }
        return group;
    }

    static long timestamp(final long timestampMs, final String field, final String operation)
    {
        if (timestampMs < 0)
        {
            throw new InvalidArgumentException(operation + ": illegal " + field + "=" + timestampMs +
                ", allowed: >= 0 (ms since the epoch)");
        }
        return timestampMs;
    }

    static int count(final int count, final int max, final String field, final String operation)
    {
        if (count < 1 || count > max)
        {
            throw new InvalidArgumentException(operation + ": illegal " + field + "=" + count + ", allowed: 1.." + max);
        }
        return count;
    }

    static String text(final String value, final String field, final String operation)
    {
        if (value == null || value.isBlank())
        {
            throw new InvalidArgumentException(operation + ": illegal " + field + "=" + value + ", must not be blank");
        }
        return value;
    }
}

package io.rocklet.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message to send: topic, optional tag, keys, user properties and body. Immutable by contract:
 * the constructor validates and copies the collections; the body array is taken over without a copy
 * and must not be modified afterwards (so that sending never copies a body twice).
 *
 * @param topic      the topic, following {@link TopicNames}.
 * @param tag        one tag for broker-side filtering, or {@code ""} for none.
 * @param keys       business keys for lookup by key; may be empty.
 * @param properties user properties; may be empty.
 * @param body       the payload; the message owns this array.
 * @param delay      when it becomes visible to consumers ({@link Delay#NONE}: at once); messages the broker delivers
 *                   (consumed, retried, dead-lettered) carry none.
 */
public record Message(String topic, String tag, List<String> keys, Map<String, String> properties, byte[] body,
    Delay delay)
{
    /**
     * Validates every field.
     *
     * @throws InvalidArgumentException naming the field that is wrong.
     */
    public Message
    {
        TopicNames.validate(topic);
        tag = tag == null ? "" : tag;
        if (tag.length() > Limits.MAX_TAG_LENGTH)
        {
            throw new InvalidArgumentException(ErrorCode.PROPERTIES_TOO_LARGE,
                "tag too long: topic=" + topic + ", length=" + tag.length() + ", maxLength=" + Limits.MAX_TAG_LENGTH);
        }
        if (tag.contains("||"))
        {
            throw new InvalidArgumentException("illegal tag: topic=" + topic + ", tag=" + tag + " contains '||'");
        }
        if (keys != null && !keys.isEmpty())
        {
            for (final String key : keys)
            {
                if (key == null)
                {
                    throw new InvalidArgumentException("illegal key: topic=" + topic + ", key=null");
                }
            }
        }
        keys = keys == null ? List.of() : List.copyOf(keys);
        for (int i = 0; i < keys.size(); i++) // indexed: an empty or small immutable list costs no iterator
        {
            final String key = keys.get(i);
            if (key.isEmpty() || key.length() > Limits.MAX_KEY_LENGTH)
            {
                throw new InvalidArgumentException("illegal key: topic=" + topic + ", keyLength=" + key.length() +
                    ", allowedLength=1.." + Limits.MAX_KEY_LENGTH);
            }
        }
        if (properties != null && !properties.isEmpty())
        {
            for (final Map.Entry<String, String> property : properties.entrySet())
            {
                if (property.getKey() == null || property.getValue() == null)
                {
                    throw new InvalidArgumentException("illegal property: topic=" + topic + ", name=" +
                        property.getKey() + ", value=" + property.getValue() + " (neither may be null)");
                }
                if (property.getKey().isEmpty())
                {
                    throw new InvalidArgumentException("illegal property: topic=" + topic + ", name is empty");
                }
            }
        }
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        if (body == null)
        {
            throw new InvalidArgumentException("missing body: topic=" + topic + ", body=null");
        }
        delay = delay == null ? Delay.NONE : delay;
    }

    /**
     * A message without delay.
     *
     * @throws InvalidArgumentException naming the field that is wrong.
     */
    public Message(final String topic, final String tag, final List<String> keys, final Map<String, String> properties,
        final byte[] body)
    {
        this(topic, tag, keys, properties, body, Delay.NONE);
    }

    /**
     * @param topic the topic of the message.
     * @return a builder for a message on {@code topic}.
     */
    public static Builder builder(final String topic)
    {
        return new Builder(topic);
    }

    /**
     * @param topic the topic.
     * @param body  the body, taken over without a copy.
     * @return a message with no tag, keys or properties.
     */
    public static Message of(final String topic, final byte[] body)
    {
        return new Message(topic, "", List.of(), Map.of(), body);
    }

    /**
     * @return true when the message has a tag.
     */
    public boolean hasTag()
    {
        return !tag.isEmpty();
    }

    @Override
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof Message m && topic.equals(m.topic) && tag.equals(m.tag) &&
            keys.equals(m.keys) && properties.equals(m.properties) && Arrays.equals(body, m.body) &&
            delay.equals(m.delay));
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * (31 * (31 * (31 * topic.hashCode() + tag.hashCode()) + keys.hashCode()) +
            properties.hashCode()) + Arrays.hashCode(body)) + delay.hashCode();
    }

    @Override
    public String toString()
    {
        return "Message{topic=" + topic + ", tag=" + tag + ", keys=" + keys + ", properties=" + properties +
            ", bodyBytes=" + body.length + (delay.isDelayed() ? ", delay=" + delay : "") + '}';
    }

    /**
     * Builds a {@link Message}; validation happens once, in {@link #build()}.
     */
    public static final class Builder
    {
        private final String topic;
        private String tag = "";
        private final List<String> keys = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private byte[] body;
        private Delay delay = Delay.NONE;

        private Builder(final String topic)
        {
            this.topic = topic;
        }

        public Builder tag(final String tag)
        {
            this.tag = tag;
            return this;
        }

        public Builder key(final String key)
        {
            if (key == null)
            {
                throw new InvalidArgumentException("illegal key: topic=" + topic + ", key=null");
            }
            keys.add(key);
            return this;
        }

        public Builder keys(final String... keys)
        {
            for (final String key : keys)
            {
                key(key);
            }
            return this;
        }

        public Builder property(final String name, final String value)
        {
            if (name == null || value == null)
            {
                throw new InvalidArgumentException("illegal property: topic=" + topic + ", name=" + name +
                    ", value=" + value + " (neither may be null)");
            }
            properties.put(name, value);
            return this;
        }

        /**
         * @param body the payload; the message takes the array over without a copy.
         * @return this builder.
         */
        public Builder body(final byte[] body)
        {
            this.body = body;
            return this;
        }

        /**
         * @param body the payload as UTF-8 text.
         * @return this builder.
         */
        public Builder body(final String body)
        {
            this.body = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * Delivers the message after one of the broker's delay levels (1-based; RocketMQ's defaults are
         * {@code 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h}); the broker refuses a level it does
         * not have.
         *
         * @param level 1 or more.
         * @return this builder.
         * @throws InvalidArgumentException when the level is below 1 or a delivery time is already set.
         */
        public Builder delayLevel(final int level)
        {
            return delay(Delay.level(level));
        }

        /**
         * Delivers the message at a wall-clock time (a time in the past delivers at once); the broker refuses a
         * time further ahead than its maximum delay (3 days by default).
         *
         * @param epochMs ms since the epoch.
         * @return this builder.
         * @throws InvalidArgumentException when the time is below 1 or a delay is already set.
         */
        public Builder deliverAt(final long epochMs)
        {
            return delay(Delay.at(epochMs));
        }

        /**
         * Delivers the message this long after the broker stores it (the broker's clock decides); the broker
         * refuses a delay longer than its maximum (3 days by default).
         *
         * @param delay 0 or more; zero is no delay.
         * @return this builder.
         * @throws InvalidArgumentException when the delay is negative or a delay is already set.
         */
        public Builder deliverAfter(final Duration delay)
        {
            return delay(Delay.after(delay));
        }

        /**
         * @param delay when the message becomes visible ({@link Delay#level}, {@link Delay#at}, {@link Delay#after}).
         * @return this builder.
         * @throws InvalidArgumentException when a delay is already set.
         */
        public Builder delay(final Delay delay)
        {
            if (delay == null)
            {
                throw new InvalidArgumentException("illegal delay: topic=" + topic + ", delay=null");
            }
            if (this.delay.isDelayed())
            {
                throw new InvalidArgumentException("illegal delay: topic=" + topic + ", delay already set=" +
                    this.delay + ", new=" + delay + " (set a delay level or a delivery time, once)");
            }
            this.delay = delay;
            return this;
        }

        public Message build()
        {
            return new Message(topic, tag, keys, properties, body, delay);
        }
    }
}

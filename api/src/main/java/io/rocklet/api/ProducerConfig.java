package io.rocklet.api;

import java.time.Duration;

/**
 * A producer's settings; build with {@link #builder(String)}. Defaults are RocketMQ's.
 *
 * @param group         the producer group.
 * @param sendTimeout   deadline of a send, retries included (default 3 s).
 * @param retries       further attempts on another broker after a retriable failure (default 2).
 * @param maxBodyBytes  largest body accepted (default 4 MiB); larger fails fast, before any I/O.
 * @param queueSelector chooses the queue for sends with a sharding key (default {@link QueueSelector#HASH}).
 */
public record ProducerConfig(String group, Duration sendTimeout, int retries, int maxBodyBytes,
    QueueSelector queueSelector)
{
    /**
     * Checks a message before a producer with this configuration sends it.
     *
     * @throws InvalidArgumentException naming what is wrong: no message, a body over {@link #maxBodyBytes()}
     *                                  ({@link ErrorCode#MESSAGE_TOO_LARGE}) or a system topic
     *                                  ({@link ErrorCode#ILLEGAL_TOPIC}).
     */
    public void checkSendable(final Message message)
    {
        if (message == null)
        {
            throw new InvalidArgumentException("cannot send: group=" + group + ", message=null");
        }
        if (message.body().length == 0)
        {
            throw new InvalidArgumentException("message body is empty: topic=" + message.topic() + ", group=" + group);
        }
        if (message.body().length > maxBodyBytes)
        {
            throw new InvalidArgumentException(ErrorCode.MESSAGE_TOO_LARGE, "message body too large: topic=" +
                message.topic() + ", bodyBytes=" + message.body().length + ", maxBodyBytes=" + maxBodyBytes);
        }
        if (SystemTopics.isSystem(message.topic()))
        {
            throw new InvalidArgumentException(ErrorCode.ILLEGAL_TOPIC, "cannot send to a system topic: topic=" +
                message.topic());
        }
    }

    public static Builder builder(final String group)
    {
        return new Builder(group);
    }

    /**
     * Collects values; {@link #build()} checks them.
     */
    public static final class Builder
    {
        private final String group;
        private Duration sendTimeout = Duration.ofSeconds(3);
        private int retries = 2;
        private int maxBodyBytes = Limits.DEFAULT_MAX_BODY_BYTES;
        private QueueSelector queueSelector = QueueSelector.HASH;

        private Builder(final String group)
        {
            this.group = group;
        }

        public Builder sendTimeout(final Duration timeout)
        {
            this.sendTimeout = timeout;
            return this;
        }

        public Builder retries(final int retries)
        {
            this.retries = retries;
            return this;
        }

        public Builder maxBodyBytes(final int bytes)
        {
            this.maxBodyBytes = bytes;
            return this;
        }

        public Builder queueSelector(final QueueSelector selector)
        {
            this.queueSelector = selector;
            return this;
        }

        public ProducerConfig build()
        {
            Checks.groupName(group, "producer group");
            Checks.positive(sendTimeout, "producer " + group + ": sendTimeout");
            Checks.range(retries, 0, 16, "producer " + group + ": retries");
            Checks.range(maxBodyBytes, 0, Integer.MAX_VALUE, "producer " + group + ": maxBodyBytes");
            Checks.notNull(queueSelector, "producer " + group + ": queueSelector");
            return new ProducerConfig(group, sendTimeout, retries, maxBodyBytes, queueSelector);
        }
    }
}

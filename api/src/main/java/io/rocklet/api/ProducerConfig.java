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
 * @param autoBatch     {@code sendAsync} without a sharding key gathers messages of one topic into batches (one
 *                      request, one queue) for up to {@code batchLinger}, {@code batchMaxMessages} or
 *                      {@code batchMaxBytes} of bodies, whichever comes first (RocketMQ 5's {@code autoBatch},
 *                      Kafka's {@code linger.ms}/{@code batch.size}); synchronous, one-way, sharded and delayed
 *                      sends never wait (default false).
 * @param batchLinger   how long the first message of a batch waits for others (default 1 ms).
 * @param batchMaxMessages most messages in a batch (default 64).
 * @param batchMaxBytes most body bytes in a batch (default 256 KiB; a larger message goes alone).
 */
public record ProducerConfig(String group, Duration sendTimeout, int retries, int maxBodyBytes,
    QueueSelector queueSelector, boolean autoBatch, Duration batchLinger, int batchMaxMessages, int batchMaxBytes)
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
        private boolean autoBatch;
        private Duration batchLinger = Duration.ofMillis(1);
        private int batchMaxMessages = 64;
        private int batchMaxBytes = 256 * 1024;

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

        public Builder autoBatch(final boolean autoBatch)
        {
            this.autoBatch = autoBatch;
            return this;
        }

        public Builder batchLinger(final Duration linger)
        {
            this.batchLinger = linger;
            return this;
        }

        public Builder batchMaxMessages(final int messages)
        {
            this.batchMaxMessages = messages;
            return this;
        }

        public Builder batchMaxBytes(final int bytes)
        {
            this.batchMaxBytes = bytes;
            return this;
        }

        public ProducerConfig build()
        {
            Checks.groupName(group, "producer group");
            Checks.positive(sendTimeout, "producer " + group + ": sendTimeout");
            Checks.range(retries, 0, 16, "producer " + group + ": retries");
            Checks.range(maxBodyBytes, 0, Integer.MAX_VALUE, "producer " + group + ": maxBodyBytes");
            Checks.notNull(queueSelector, "producer " + group + ": queueSelector");
            Checks.positive(batchLinger, "producer " + group + ": batchLinger");
            Checks.range(batchMaxMessages, 1, 1024, "producer " + group + ": batchMaxMessages");
            Checks.range(batchMaxBytes, 1, 64 * 1024 * 1024, "producer " + group + ": batchMaxBytes");
            return new ProducerConfig(group, sendTimeout, retries, maxBodyBytes, queueSelector, autoBatch, batchLinger,
                batchMaxMessages, batchMaxBytes);
        }
    }
}

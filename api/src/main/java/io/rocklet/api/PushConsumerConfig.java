package io.rocklet.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A push consumer's settings; build with {@link #builder(String)}. Defaults are RocketMQ's except the
 * consume thread count (4 rather than 20: this library is embedded, often on small machines).
 *
 * @param group                     the consumer group.
 * @param subscriptions             topic to selector: tag expression ({@code "*"}, {@code "A || B"}) or SQL92.
 * @param listener                  the message listener.
 * @param consumeMode               CONCURRENT (default) or ORDERLY.
 * @param messageModel              CLUSTERING (default) or BROADCASTING.
 * @param consumeFrom               where a queue without a committed offset starts (default LAST).
 * @param consumeThreads            listener threads (default 4).
 * @param consumeBatchSize          most messages per listener call (default 1).
 * @param pullBatchSize             most messages per pull (default 32).
 * @param pullThresholdForQueue     stop pulling a queue with this many messages waiting (default 1000).
 * @param pullThresholdBytesForQueue stop pulling a queue with this many body bytes waiting (default 100 MiB).
 * @param maxReconsumeTimes         deliveries of a failing message before the dead-letter topic (default 16).
 * @param suspendTime               ORDERLY: pause before retrying a failed message in place (default 1 s).
 * @param consumeTimeout            CONCURRENT: a listener call running longer than this gives its messages up: they
 *                                  are sent back for retry as failures and their queue goes on (default 15 min, as
 *                                  RocketMQ's; the call's thread stays busy until the listener returns).
 * @param longPollTimeout           how long the broker holds a pull that finds nothing (default 15 s).
 * @param rebalanceInterval         periodic rebalance, besides the one on every membership change (default 20 s).
 * @param persistOffsetInterval     how often offsets go to the broker (or, broadcasting, to disk) (default 5 s).
 * @param offsetStoreDirectory      BROADCASTING: where offsets are kept, in {@code <instanceName>/<group>.offsets}
 *                                  per client instance (default ~/.rocklet/offsets).
 */
public record PushConsumerConfig(
    String group,
    Map<String, MessageSelector> subscriptions,
    MessageListener listener,
    ConsumeMode consumeMode,
    MessageModel messageModel,
    ConsumeFrom consumeFrom,
    int consumeThreads,
    int consumeBatchSize,
    int pullBatchSize,
    int pullThresholdForQueue,
    long pullThresholdBytesForQueue,
    int maxReconsumeTimes,
    Duration suspendTime,
    Duration consumeTimeout,
    Duration longPollTimeout,
    Duration rebalanceInterval,
    Duration persistOffsetInterval,
    Path offsetStoreDirectory)
{
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
        private final Map<String, MessageSelector> subscriptions = new LinkedHashMap<>();
        private MessageListener listener;
        private ConsumeMode consumeMode = ConsumeMode.CONCURRENT;
        private MessageModel messageModel = MessageModel.CLUSTERING;
        private ConsumeFrom consumeFrom = ConsumeFrom.LAST;
        private int consumeThreads = 4;
        private int consumeBatchSize = 1;
        private int pullBatchSize = 32;
        private int pullThresholdForQueue = 1000;
        private long pullThresholdBytesForQueue = 100L * 1024 * 1024;
        private int maxReconsumeTimes = 16;
        private Duration suspendTime = Duration.ofSeconds(1);
        private Duration consumeTimeout = Duration.ofMinutes(15);
        private Duration longPollTimeout = Duration.ofSeconds(15);
        private Duration rebalanceInterval = Duration.ofSeconds(20);
        private Duration persistOffsetInterval = Duration.ofSeconds(5);
        private Path offsetStoreDirectory;

        private Builder(final String group)
        {
            this.group = group;
        }

        /**
         * @param topic         the topic.
         * @param tagExpression {@code "*"} or tags joined by {@code "||"}.
         */
        public Builder subscribe(final String topic, final String tagExpression)
        {
            return subscribe(topic, MessageSelector.tag(tagExpression));
        }

        /**
         * @param topic    the topic.
         * @param selector a tag or SQL92 selector (parsed, so a malformed one failed where it was made).
         */
        public Builder subscribe(final String topic, final MessageSelector selector)
        {
            TopicNames.validate(topic);
            Checks.notNull(selector, "push consumer " + group + ": selector of topic " + topic);
            subscriptions.put(topic, selector);
            return this;
        }

        public Builder listener(final MessageListener listener)
        {
            this.listener = listener;
            return this;
        }

        public Builder consumeMode(final ConsumeMode mode)
        {
            this.consumeMode = mode;
            return this;
        }

        public Builder messageModel(final MessageModel model)
        {
            this.messageModel = model;
            return this;
        }

        public Builder consumeFrom(final ConsumeFrom consumeFrom)
        {
            this.consumeFrom = consumeFrom;
            return this;
        }

        public Builder consumeThreads(final int threads)
        {
            this.consumeThreads = threads;
            return this;
        }

        public Builder consumeBatchSize(final int size)
        {
            this.consumeBatchSize = size;
            return this;
        }

        public Builder pullBatchSize(final int size)
        {
            this.pullBatchSize = size;
            return this;
        }

        public Builder pullThresholdForQueue(final int messages)
        {
            this.pullThresholdForQueue = messages;
            return this;
        }

        public Builder pullThresholdBytesForQueue(final long bytes)
        {
            this.pullThresholdBytesForQueue = bytes;
            return this;
        }

        public Builder maxReconsumeTimes(final int times)
        {
            this.maxReconsumeTimes = times;
            return this;
        }

        public Builder suspendTime(final Duration time)
        {
            this.suspendTime = time;
            return this;
        }

        public Builder consumeTimeout(final Duration timeout)
        {
            this.consumeTimeout = timeout;
            return this;
        }

        public Builder longPollTimeout(final Duration timeout)
        {
            this.longPollTimeout = timeout;
            return this;
        }

        public Builder rebalanceInterval(final Duration interval)
        {
            this.rebalanceInterval = interval;
            return this;
        }

        public Builder persistOffsetInterval(final Duration interval)
        {
            this.persistOffsetInterval = interval;
            return this;
        }

        public Builder offsetStoreDirectory(final Path directory)
        {
            this.offsetStoreDirectory = directory;
            return this;
        }

        public PushConsumerConfig build()
        {
            final String what = "push consumer " + group + ": ";
            Checks.groupName(group, "consumer group");
            if (subscriptions.isEmpty())
            {
                throw new InvalidArgumentException(what + "no subscription; call subscribe(topic, tagExpression)");
            }
            Checks.notNull(listener, what + "listener");
            Checks.notNull(consumeMode, what + "consumeMode");
            Checks.notNull(messageModel, what + "messageModel");
            Checks.notNull(consumeFrom, what + "consumeFrom");
            Checks.range(consumeThreads, 1, 1000, what + "consumeThreads");
            Checks.range(consumeBatchSize, 1, 1024, what + "consumeBatchSize");
            Checks.range(pullBatchSize, 1, 1024, what + "pullBatchSize");
            Checks.range(pullThresholdForQueue, 1, 1_000_000, what + "pullThresholdForQueue");
            Checks.range(pullThresholdBytesForQueue, 1, Long.MAX_VALUE, what + "pullThresholdBytesForQueue");
            Checks.range(maxReconsumeTimes, 0, 10_000, what + "maxReconsumeTimes");
            Checks.positive(suspendTime, what + "suspendTime");
            Checks.positive(consumeTimeout, what + "consumeTimeout");
            Checks.positive(longPollTimeout, what + "longPollTimeout");
            Checks.positive(rebalanceInterval, what + "rebalanceInterval");
            Checks.positive(persistOffsetInterval, what + "persistOffsetInterval");
            final Path offsets = offsetStoreDirectory != null ? offsetStoreDirectory :
                Path.of(System.getProperty("user.home"), ".rocklet", "offsets");
            return new PushConsumerConfig(group, Map.copyOf(subscriptions), listener, consumeMode, messageModel,
                consumeFrom, consumeThreads, consumeBatchSize, pullBatchSize, pullThresholdForQueue,
                pullThresholdBytesForQueue, maxReconsumeTimes, suspendTime, consumeTimeout, longPollTimeout, rebalanceInterval,
                persistOffsetInterval, offsets);
        }
    }
}

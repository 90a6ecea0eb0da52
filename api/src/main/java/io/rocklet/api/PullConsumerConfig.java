package io.rocklet.api;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A pull consumer's settings; build with {@link #builder(String)}.
 *
 * @param group                 the consumer group.
 * @param messageModel          CLUSTERING (default; queues of subscribed topics shared by rebalance) or BROADCASTING.
 * @param consumeFrom           where a queue without a committed offset starts (default LAST).
 * @param autoCommit            commit what {@code poll} returned at the next poll and periodically (default true).
 * @param autoCommitInterval    how often polled offsets are committed when auto-committing (default 5 s).
 * @param pullBatchSize         most messages fetched from a queue at once (default 32).
 * @param pullThresholdForQueue most messages buffered per queue ahead of {@code poll} (default 1000).
 * @param rebalanceInterval     periodic rebalance of subscribed topics (default 20 s, and on membership changes).
 * @param longPollTimeout       how long the broker holds a fetch that finds nothing (default 15 s, as the push
 *                                  consumer's).
 * @param offsetStoreDirectory  BROADCASTING: where offsets are kept, in {@code <instanceName>/<group>.offsets}
 *                                  per client instance (default ~/.rocklet/offsets).
 */
public record PullConsumerConfig(
    String group,
    MessageModel messageModel,
    ConsumeFrom consumeFrom,
    boolean autoCommit,
    Duration autoCommitInterval,
    int pullBatchSize,
    int pullThresholdForQueue,
    Duration rebalanceInterval,
    Path offsetStoreDirectory,
    Duration longPollTimeout)
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
        private MessageModel messageModel = MessageModel.CLUSTERING;
        private ConsumeFrom consumeFrom = ConsumeFrom.LAST;
        private boolean autoCommit = true;
        private Duration autoCommitInterval = Duration.ofSeconds(5);
        private int pullBatchSize = 32;
        private int pullThresholdForQueue = 1000;
        private Duration rebalanceInterval = Duration.ofSeconds(20);
        private Path offsetStoreDirectory;
        private Duration longPollTimeout = Duration.ofSeconds(15);

        private Builder(final String group)
        {
            this.group = group;
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

        public Builder autoCommit(final boolean autoCommit)
        {
            this.autoCommit = autoCommit;
            return this;
        }

        public Builder autoCommitInterval(final Duration interval)
        {
            this.autoCommitInterval = interval;
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

        public Builder rebalanceInterval(final Duration interval)
        {
            this.rebalanceInterval = interval;
            return this;
        }

        public Builder offsetStoreDirectory(final Path directory)
        {
            this.offsetStoreDirectory = directory;
            return this;
        }

        public Builder longPollTimeout(final Duration timeout)
        {
            this.longPollTimeout = timeout;
            return this;
        }

        public PullConsumerConfig build()
        {
            final String what = "pull consumer " + group + ": ";
            Checks.groupName(group, "consumer group");
            Checks.notNull(messageModel, what + "messageModel");
            Checks.notNull(consumeFrom, what + "consumeFrom");
            Checks.positive(autoCommitInterval, what + "autoCommitInterval");
            Checks.range(pullBatchSize, 1, 1024, what + "pullBatchSize");
            Checks.range(pullThresholdForQueue, 1, 1_000_000, what + "pullThresholdForQueue");
            Checks.positive(rebalanceInterval, what + "rebalanceInterval");
            Checks.positive(longPollTimeout, what + "longPollTimeout");
            final Path offsets = offsetStoreDirectory != null ? offsetStoreDirectory :
                Path.of(System.getProperty("user.home"), ".rocklet", "offsets");
            return new PullConsumerConfig(group, messageModel, consumeFrom, autoCommit, autoCommitInterval,
                pullBatchSize, pullThresholdForQueue, rebalanceInterval, offsets, longPollTimeout);
        }
    }
}

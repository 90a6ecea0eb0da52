package io.rocklet.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A consumer the application drives: subscribe (queues shared by rebalance) or assign queues, then
 * {@link #poll(Duration)}; move with the seek methods; commit by hand or automatically. Not
 * thread-safe: one application thread uses it. Obtain one from
 * {@link RockletClient#newPullConsumer(PullConsumerConfig)}.
 */
public interface PullConsumer extends AutoCloseable
{
    /**
     * Subscribes to a topic; its queues are shared with the other members of the group (clustering).
     */
    void subscribe(String topic, String tagExpression);

    /**
     * Subscribes to a topic with a tag or SQL92 selector; queues are shared as by {@link #subscribe(String, String)}.
     */
    void subscribe(String topic, MessageSelector selector);

    /**
     * Takes exactly these queues, without rebalance (replaces subscriptions).
     */
    void assign(Collection<MessageQueue> queues);

    /**
     * @return the queues this consumer reads now.
     */
    Set<MessageQueue> assignment();

    /**
     * @return every queue of {@code topic}.
     */
    List<MessageQueue> queues(String topic);

    /**
     * Returns the next messages of the assigned queues, waiting up to {@code timeout} for some to arrive.
     *
     * @return messages, possibly none.
     */
    List<ReceivedMessage> poll(Duration timeout);

    /**
     * The next poll of {@code queue} starts at {@code offset}.
     */
    void seek(MessageQueue queue, long offset);

    void seekToBeginning(MessageQueue queue);

    void seekToEnd(MessageQueue queue);

    /**
     * The next poll of {@code queue} starts at the first message stored at or after {@code timestampMs}.
     */
    void seekToTimestamp(MessageQueue queue, long timestampMs);

    /**
     * @return the committed offset of {@code queue} (the next message to consume), or -1 when none.
     */
    long committed(MessageQueue queue);

    /**
     * Commits the position after the messages {@code poll} returned, for every assigned queue.
     */
    void commit();

    /**
     * Commits {@code offset} (the next message to consume) for {@code queue}.
     */
    void commit(MessageQueue queue, long offset);

    String group();

    /**
     * Commits (when auto-committing), leaves the group and stops. Idempotent.
     */
    @Override
    void close();
}

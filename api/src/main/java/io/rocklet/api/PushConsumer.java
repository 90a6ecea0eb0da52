package io.rocklet.api;

import java.util.Set;

/**
 * A consumer that calls its {@link MessageListener} as messages arrive (long polling underneath, so a
 * message reaches the listener about as fast as the broker stores it). It starts when built; obtain
 * one from {@link RockletClient#newPushConsumer(PushConsumerConfig)}.
 */
public interface PushConsumer extends AutoCloseable
{
    String group();

    /**
     * @return the queues this member consumes now (clustering: its share after rebalance).
     */
    Set<MessageQueue> assignment();

    /**
     * Stops pulling, lets the listener calls in progress finish (their offsets are committed), commits
     * offsets, leaves the group (the others rebalance at once) and releases queue locks. Idempotent.
     */
    @Override
    void close();
}

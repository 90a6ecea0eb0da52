package io.rocklet.api;

import java.util.List;

/**
 * Chooses the queue for a message sent with a sharding key, so that related messages share a queue
 * and keep their order (RocketMQ's {@code MessageQueueSelector}).
 */
@FunctionalInterface
public interface QueueSelector
{
    /** The key's hash modulo the number of queues. */
    QueueSelector HASH = (queues, key) -> queues.get(Math.floorMod(key.hashCode(), queues.size()));

    /**
     * @param queues      the topic's writable queues, in a stable order (broker name, then queue id).
     * @param shardingKey the key the message was sent with.
     * @return one of {@code queues}.
     */
    MessageQueue select(List<MessageQueue> queues, String shardingKey);
}

package io.rocklet.broker.metrics;

/**
 * The offsets lag gauges are computed from when they are scraped (never per message). Thread-safe reads.
 */
public interface ConsumerPositions
{
    /**
     * @return the topic's readable queues, 0 when the topic is gone.
     */
    int queueCount(String topic);

    /**
     * @return the queue's first offset still held.
     */
    long minOffset(String topic, int queueId);

    /**
     * @return the offset after the queue's last message.
     */
    long maxOffset(String topic, int queueId);

    /**
     * @return the group's committed offset in the queue, or a negative number when it committed none.
     */
    long committedOffset(String group, String topic, int queueId);

    /**
     * @return consumer clients with a live heartbeat.
     */
    int clientCount();
}

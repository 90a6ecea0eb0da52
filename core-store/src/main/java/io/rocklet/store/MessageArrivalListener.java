package io.rocklet.store;

/**
 * Told when new messages become readable in a queue, so that waiting readers (long polls) wake at
 * once instead of on a timer. Called on the dispatcher thread, at most once per queue per dispatch
 * cycle: it must return quickly and must not block.
 */
@FunctionalInterface
public interface MessageArrivalListener
{
    MessageArrivalListener NONE = (topic, queueId, maxOffset) -> { };

    /**
     * @param topic     the topic.
     * @param queueId   the queue.
     * @param maxOffset one past the newest readable queue offset.
     */
    void onArrival(String topic, int queueId, long maxOffset);
}

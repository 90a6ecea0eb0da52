package io.rocklet.api;

/**
 * How a push consumer calls its listener.
 */
public enum ConsumeMode
{
    /** Several threads; messages of one queue may be processed at the same time. */
    CONCURRENT,
    /**
     * One message (batch) of a queue at a time, in queue order, while this member holds the queue's lock
     * on the broker; a failed message is retried in place after a pause, keeping the order.
     */
    ORDERLY
}

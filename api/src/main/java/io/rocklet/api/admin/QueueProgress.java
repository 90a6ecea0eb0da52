package io.rocklet.api.admin;

import io.rocklet.api.MessageQueue;

/**
 * A consumer group's position in one queue.
 *
 * @param queue          the queue.
 * @param minOffset      the queue's first offset still stored.
 * @param brokerOffset   the offset the queue's next message will get (its max offset).
 * @param consumerOffset the group's committed offset, or -1 when it has none (it never consumed the queue, or it
 *                       is a broadcasting group, whose members keep their offsets locally).
 * @param lag            messages stored but not yet consumed: {@code brokerOffset - max(consumerOffset,
 *                       minOffset)}; 0 when the group has no committed offset (where it would start is not known).
 */
public record QueueProgress(MessageQueue queue, long minOffset, long brokerOffset, long consumerOffset, long lag)
{
    /**
     * @return the progress with the lag computed from the offsets.
     */
    public static QueueProgress of(final MessageQueue queue, final long minOffset, final long brokerOffset,
        final long consumerOffset)
    {
        final long lag = consumerOffset < 0 ? 0 : Math.max(0, brokerOffset - Math.max(consumerOffset, minOffset));
        return new QueueProgress(queue, minOffset, brokerOffset, consumerOffset, lag);
    }
}

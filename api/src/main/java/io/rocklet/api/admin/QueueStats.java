package io.rocklet.api.admin;

import io.rocklet.api.MessageQueue;

/**
 * One queue's offsets: messages {@code [minOffset, maxOffset)} are stored (older ones were deleted by retention).
 *
 * @param queue     the queue.
 * @param minOffset the first offset still stored.
 * @param maxOffset the offset the next message will get.
 */
public record QueueStats(MessageQueue queue, long minOffset, long maxOffset)
{
    /**
     * @return how many messages the queue holds now.
     */
    public long messageCount()
    {
        return maxOffset - minOffset;
    }
}

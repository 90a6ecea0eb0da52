package io.rocklet.store.internal.queue;

/**
 * One (topic, queue): the next queue offset to assign (owned by the append-lock holder) and the
 * consume queue (written by the dispatcher).
 */
public final class QueueState
{
    private final TopicState topic;
    private final int queueId;
    private final ConsumeQueue consumeQueue;
    private long nextAppendOffset;
    private boolean touched;

    QueueState(final TopicState topic, final int queueId, final ConsumeQueue consumeQueue)
    {
        this.topic = topic;
        this.queueId = queueId;
        this.consumeQueue = consumeQueue;
    }

    public TopicState topic()
    {
        return topic;
    }

    public int queueId()
    {
        return queueId;
    }

    public ConsumeQueue consumeQueue()
    {
        return consumeQueue;
    }

    /**
     * @return the queue offset the next append gets. Append-lock holder only.
     */
    public long nextAppendOffset()
    {
        return nextAppendOffset;
    }

    /**
     * Append-lock holder (or recovery) only.
     */
    public void nextAppendOffset(final long offset)
    {
        nextAppendOffset = offset;
    }

    /**
     * Marks the queue as having new messages since the last arrival notification. Dispatcher only.
     *
     * @return true when it was not marked yet.
     */
    public boolean markTouched()
    {
        if (touched)
        {
            return false;
        }
        touched = true;
        return true;
    }

    /**
     * Dispatcher only.
     */
    public void clearTouched()
    {
        touched = false;
    }

    @Override
    public String toString()
    {
        return topic.name() + ":" + queueId;
    }
}

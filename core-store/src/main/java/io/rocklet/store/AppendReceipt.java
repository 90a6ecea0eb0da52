package io.rocklet.store;

/**
 * A reusable holder that {@link MessageStore#append(AppendRequest, AppendReceipt)} fills, so that
 * appending allocates nothing. Owned by one thread; read it before the next append.
 */
public final class AppendReceipt
{
    private long logOffset;
    private long queueOffset;
    private long storeTimestampMs;
    private int recordBytes;
    private int storeTag;

    /**
     * Called by the store.
     */
    public void set(final long logOffset, final long queueOffset, final long storeTimestampMs, final int recordBytes,
        final int storeTag)
    {
        this.logOffset = logOffset;
        this.queueOffset = queueOffset;
        this.storeTimestampMs = storeTimestampMs;
        this.recordBytes = recordBytes;
        this.storeTag = storeTag;
    }

    public long logOffset()
    {
        return logOffset;
    }

    public long queueOffset()
    {
        return queueOffset;
    }

    public long storeTimestampMs()
    {
        return storeTimestampMs;
    }

    public int recordBytes()
    {
        return recordBytes;
    }

    /**
     * @return the message id (allocates a string).
     */
    public String messageId()
    {
        return MessageIds.encode(storeTag, logOffset);
    }

    /**
     * @return an immutable copy.
     */
    public AppendResult toResult()
    {
        return new AppendResult(messageId(), logOffset, queueOffset, storeTimestampMs, recordBytes);
    }

    @Override
    public String toString()
    {
        return "AppendReceipt{logOffset=" + logOffset + ", queueOffset=" + queueOffset + ", storeTimestampMs=" +
            storeTimestampMs + ", recordBytes=" + recordBytes + '}';
    }
}

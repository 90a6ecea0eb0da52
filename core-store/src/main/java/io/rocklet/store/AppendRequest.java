package io.rocklet.store;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;

/**
 * What to append: a message, the queue it goes to, and the metadata the broker records with it.
 * Immutable, so one instance may be appended many times (benchmarks do).
 *
 * @param message                   the message.
 * @param queueId                   the queue of the message's topic, 0 to {@value #MAX_QUEUE_ID}.
 * @param bornTimestampMs           when the producer created the message, ms since the epoch (0 if unknown).
 * @param producerId                the producer's identity, or {@code ""}; at most 255 UTF-8 bytes.
 * @param reconsumeTimes            redelivery count, for messages sent back for retry.
 * @param preparedTransactionOffset log offset of the half message this one commits, or 0.
 * @param flags                     flags stored with the record, opaque to the store.
 */
public record AppendRequest(
    Message message,
    int queueId,
    long bornTimestampMs,
    String producerId,
    int reconsumeTimes,
    long preparedTransactionOffset,
    int flags)
{
    /** Highest queue id the store accepts. */
    public static final int MAX_QUEUE_ID = 65_535;

    /**
     * @throws InvalidArgumentException naming the field that is wrong.
     */
    public AppendRequest
    {
        if (message == null)
        {
            throw new InvalidArgumentException("missing message: queueId=" + queueId);
        }
        if (queueId < 0 || queueId > MAX_QUEUE_ID)
        {
            throw new InvalidArgumentException("illegal queue id: topic=" + message.topic() + ", queueId=" + queueId +
                ", allowed=0.." + MAX_QUEUE_ID);
        }
        producerId = producerId == null ? "" : producerId;
        if (reconsumeTimes < 0)
        {
            throw new InvalidArgumentException("illegal reconsume count: topic=" + message.topic() +
                ", reconsumeTimes=" + reconsumeTimes);
        }
    }

    /**
     * @param message the message.
     * @param queueId the queue.
     * @return a request with no metadata.
     */
    public static AppendRequest of(final Message message, final int queueId)
    {
        return new AppendRequest(message, queueId, 0L, "", 0, 0L, 0);
    }
}

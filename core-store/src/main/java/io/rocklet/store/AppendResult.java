package io.rocklet.store;

/**
 * Where and when a message was stored.
 *
 * @param messageId        the message id; it encodes {@code logOffset}.
 * @param logOffset        position of the record in the commit log.
 * @param queueOffset      position of the message in its queue (dense: 0, 1, 2...).
 * @param storeTimestampMs when the store appended it, ms since the epoch.
 * @param recordBytes      size of the record in the log.
 */
public record AppendResult(String messageId, long logOffset, long queueOffset, long storeTimestampMs, int recordBytes)
{
}

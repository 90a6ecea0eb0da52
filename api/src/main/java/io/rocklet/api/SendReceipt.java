package io.rocklet.api;

/**
 * What a successful send returns.
 *
 * @param messageId   the message id (it encodes where the broker stored it).
 * @param queue       the queue the message went to.
 * @param queueOffset its position in that queue.
 */
public record SendReceipt(String messageId, MessageQueue queue, long queueOffset)
{
}

package io.rocklet.api;

/**
 * What a successful send returns.
 *
 * @param messageId   the message's unique id ({@link MessageView#messageId()}): consumers see the same one.
 * @param queue       the queue the message went to.
 * @param queueOffset its position in that queue.
 */
public record SendReceipt(String messageId, MessageQueue queue, long queueOffset)
{
}

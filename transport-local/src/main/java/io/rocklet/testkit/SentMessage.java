package io.rocklet.testkit;

import io.rocklet.api.Message;
import io.rocklet.api.SendReceipt;

/**
 * A message the kit sent and the broker's receipt, kept so that a timeout can tell what was sent and not received.
 *
 * @param message the message.
 * @param receipt where the broker stored it.
 */
record SentMessage(Message message, SendReceipt receipt)
{
}

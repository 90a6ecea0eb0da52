package io.rocklet.api.admin;

import io.rocklet.api.SendReceipt;

/**
 * A dead letter sent again to the topic it was first sent to.
 *
 * @param deadLetterId    the id of the message in the dead-letter topic (it stays there).
 * @param originMessageId the id the message had when it was first stored, or {@code ""} when unknown.
 * @param receipt         where the new copy was stored.
 */
public record ResentMessage(String deadLetterId, String originMessageId, SendReceipt receipt)
{
}

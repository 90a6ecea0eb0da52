package io.rocklet.api.admin;

import io.rocklet.api.SendReceipt;

/**
 * A dead letter sent again to the topic it was first sent to.
 *
 * @param deadLetterId    the id of the dead letter as listed (the message's unique id, which the new copy keeps; the
 *                        dead letter stays in the dead-letter topic).
 * @param originMessageId the offset id of the copy first sent back for retry, or {@code ""} when unknown.
 * @param receipt         where the new copy was stored.
 */
public record ResentMessage(String deadLetterId, String originMessageId, SendReceipt receipt)
{
}

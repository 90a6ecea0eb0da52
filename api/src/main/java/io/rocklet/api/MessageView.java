package io.rocklet.api;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * A stored message as read back: the fields that were sent plus where and when it was stored.
 */
public interface MessageView
{
    /**
     * @return the message id; it encodes the message's position in its store's log.
     */
    String messageId();

    String topic();

    /**
     * @return the tag, or {@code ""} when the message has none.
     */
    String tag();

    List<String> keys();

    Map<String, String> properties();

    /**
     * @return a read-only view of the body.
     */
    ByteBuffer body();

    /**
     * @return the body length in bytes.
     */
    int bodySize();

    /**
     * @return a fresh copy of the body.
     */
    byte[] bodyBytes();

    int queueId();

    /**
     * @return the position of the message within its queue (dense: 0, 1, 2...).
     */
    long queueOffset();

    /**
     * @return the position of the message in its store's log.
     */
    long logOffset();

    long bornTimestampMs();

    long storeTimestampMs();

    /**
     * @return how many times the message has been redelivered after a failed consumption.
     */
    int reconsumeTimes();

    /**
     * @return the producer identity given when the message was sent, or {@code ""}.
     */
    String producerId();
}

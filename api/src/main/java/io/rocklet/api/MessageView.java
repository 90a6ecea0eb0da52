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
     * @return the message's unique id ({@link UniqueMessageIds}): given once, before the first send attempt, and
     *     the same after producer retries, on redeliveries through the retry topic and in the dead-letter topic, so
     *     that consumers can de-duplicate by it.
     */
    String messageId();

    /**
     * @return the id of this stored copy: 24 hex digits naming its store and its position in that store's log
     *     ({@link #logOffset()}). A redelivered or dead-lettered copy has its own.
     */
    String offsetMessageId();

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

package io.rocklet.broker.transaction;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.broker.internal.Delays;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.StoredMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of transactions in the log. A <b>half message</b> is the message in
 * {@link SystemTopics#TRANSACTION_HALF_TOPIC} queue 0 (no consumer reads it), carrying its real topic and queue
 * ({@link SystemProperties#REAL_TOPIC}, {@link SystemProperties#REAL_QUEUE_ID}, as a delayed message does) and its
 * producer group ({@link SystemProperties#PRODUCER_GROUP}). An <b>op record</b> in
 * {@link SystemTopics#TRANSACTION_OP_TOPIC} queue 0 names a half message by its half-topic queue offset
 * ({@link SystemProperties#TRANSACTION_HALF_OFFSET}); its tag says what happened to it:
 *
 * <pre>
 * commit     committed: the message was put into its topic before this record
 * rollback   rolled back by the producer (or by its checker's answer)
 * expired    rolled back by the broker after the maximum number of checks
 * check      one check-back was sent (the count survives a restart)
 * </pre>
 *
 * A committed copy carries the half message's log offset as its prepared-transaction offset. Stateless.
 */
final class HalfMessages
{
    static final int QUEUE = 0;
    static final String COMMIT = "commit";
    static final String ROLLBACK = "rollback";
    static final String EXPIRED = "expired";
    static final String CHECK = "check";

    private HalfMessages()
    {
    }

    /**
     * @return the half message of {@code message} (same tag, keys, body and properties, plus where it goes).
     */
    static Message toHalf(final Message message, final int queueId, final String group)
    {
        final Map<String, String> properties = new HashMap<>(message.properties());
        properties.put(SystemProperties.REAL_TOPIC, message.topic());
        properties.put(SystemProperties.REAL_QUEUE_ID, Integer.toString(queueId));
        properties.put(SystemProperties.PRODUCER_GROUP, group);
        return new Message(SystemTopics.TRANSACTION_HALF_TOPIC, message.tag(), message.keys(), properties,
            message.body());
    }

    /**
     * @return the append that commits {@code half}: the message in its topic and queue with its unique id, keys,
     *     tag, user properties and body, the half's log offset as its prepared-transaction offset.
     * @throws InvalidArgumentException when the half message's destination is missing or malformed.
     */
    static AppendRequest toReal(final StoredMessage half)
    {
        final AppendRequest real = Delays.toRealTopic(half);
        return committed(real.message(), real.queueId(), real.bornTimestampMs(), real.producerId(), half.logOffset());
    }

    /**
     * @param message       the message as sent (or as read back from its half, less the destination properties).
     * @param halfLogOffset the half message's log offset.
     * @return the append that commits it: the message less the transaction's properties.
     */
    static AppendRequest committed(final Message message, final int queueId, final long bornMs,
        final String producerId, final long halfLogOffset)
    {
        final Map<String, String> properties = new HashMap<>(message.properties());
        properties.remove(SystemProperties.TRANSACTION_PREPARED);
        properties.remove(SystemProperties.PRODUCER_GROUP);
        properties.remove(SystemProperties.CHECK_IMMUNITY_TIME_IN_SECONDS);
        return new AppendRequest(new Message(message.topic(), message.tag(), message.keys(), properties,
            message.body()), queueId, bornMs, producerId, 0, halfLogOffset, 0);
    }

    /**
     * @return an op record of {@code kind} for the half message at {@code halfOffset}.
     */
    static AppendRequest op(final long halfOffset, final String kind)
    {
        return AppendRequest.of(new Message(SystemTopics.TRANSACTION_OP_TOPIC, kind, List.of(),
            Map.of(SystemProperties.TRANSACTION_HALF_OFFSET, Long.toString(halfOffset)), new byte[0]), QUEUE);
    }

    /**
     * @return the half offset an op record names, or -1 when it is malformed.
     */
    static long halfOffset(final StoredMessage op)
    {
        try
        {
            return Long.parseLong(op.properties().get(SystemProperties.TRANSACTION_HALF_OFFSET));
        }
        catch (final NumberFormatException e)
        {
            return -1;
        }
    }

    /**
     * @return the message's own transaction timeout, or {@code defaultMs}.
     */
    static long timeoutMs(final Map<String, String> properties, final long defaultMs)
    {
        final String seconds = properties.get(SystemProperties.CHECK_IMMUNITY_TIME_IN_SECONDS);
        if (seconds == null)
        {
            return defaultMs;
        }
        try
        {
            return Math.max(0, Long.parseLong(seconds.trim())) * 1000;
        }
        catch (final NumberFormatException e)
        {
            return defaultMs;
        }
    }
}

package io.rocklet.broker.timer;

import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.broker.internal.Delays;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the timer reads from and writes to its queue's records: due times, real topics, recall records. Stateless.
 */
final class TimerRecords
{
    private static final Logger LOG = LoggerFactory.getLogger(TimerRecords.class);

    /**
     * A recall record as indexing sees it.
     *
     * @param queueOffset the recall record's own offset in the timer queue.
     * @param realTopic   the topic of the message it recalls.
     */
    record RecallRecord(long queueOffset, String realTopic)
    {
    }

    private TimerRecords()
    {
    }

    /**
     * @return the recall record of a waiting message: same real topic, due time and unique id, no body.
     */
    static AppendRequest recallRecord(final StoredMessage waiting, final long dueMs)
    {
        final Map<String, String> properties = new HashMap<>();
        properties.put(SystemProperties.REAL_TOPIC, realTopic(waiting.properties()));
        properties.put(SystemProperties.DELIVER_AT_MS, Long.toString(dueMs));
        properties.put(SystemProperties.RECALL_QUEUE_OFFSET, Long.toString(waiting.queueOffset()));
        final String uniqueId = waiting.properties().get(SystemProperties.UNIQUE_ID);
        if (uniqueId != null)
        {
            properties.put(SystemProperties.UNIQUE_ID, uniqueId);
        }
        return new AppendRequest(new Message(SystemTopics.TIMER_TOPIC, "", List.of(), properties, new byte[0]),
            Delays.TIMER_QUEUE, waiting.bornTimestampMs(), waiting.producerId(), 0, 0L, 0);
    }

    /**
     * @return the message's due time, or -1 (logged) when it has no valid one.
     */
    static long dueMs(final StoredMessage message, final Map<String, String> properties)
    {
        final String due = properties.get(SystemProperties.DELIVER_AT_MS);
        try
        {
            return Long.parseLong(due);
        }
        catch (final NumberFormatException e)
        {
            LOG.warn("skipping timed message without a valid due time: queueOffset={}, {}={}",
                message.queueOffset(), SystemProperties.DELIVER_AT_MS, due);
            return -1;
        }
    }

    /**
     * @return the topic the message is delivered to, "" when it names none.
     */
    static String realTopic(final Map<String, String> properties)
    {
        final String topic = properties.get(SystemProperties.REAL_TOPIC);
        return topic == null ? "" : topic;
    }

    static RecallRecord recall(final StoredMessage message, final Map<String, String> properties)
    {
        return new RecallRecord(message.queueOffset(), realTopic(properties));
    }
}

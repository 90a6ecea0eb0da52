package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageView;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message as a consumer hands it out: the broker's {@link MessageView} plus the queue it was pulled
 * from; one small object per message, every accessor delegates. For a message pulled from the group's
 * retry topic, {@link #topic()} is the topic it was first sent to. {@link #reconsumeTimes()} adds the
 * deliveries this client made in place (orderly retries, local retries) to the broker's count.
 *
 * <p>Immutable except the local attempt counter (volatile), which only the consume task currently holding
 * the message increments.
 */
final class ReceivedMessageImpl implements ReceivedMessage
{
    private final MessageView view;
    private final MessageQueue queue;
    private volatile int localAttempts;

    ReceivedMessageImpl(final MessageView view, final MessageQueue queue)
    {
        this.view = view;
        this.queue = queue;
    }

    @Override
    public MessageQueue queue()
    {
        return queue;
    }

    @Override
    public String messageId()
    {
        return view.messageId();
    }

    @Override
    public String offsetMessageId()
    {
        return view.offsetMessageId();
    }

    @Override
    public String topic()
    {
        if (queue.topic().startsWith(SystemTopics.RETRY_PREFIX))
        {
            final String origin = view.properties().get(SystemProperties.ORIGIN_TOPIC);
            if (origin != null)
            {
                return origin;
            }
        }
        return view.topic();
    }

    @Override
    public String tag()
    {
        return view.tag();
    }

    @Override
    public List<String> keys()
    {
        return view.keys();
    }

    @Override
    public Map<String, String> properties()
    {
        final Map<String, String> all = view.properties();
        if (!all.containsKey(SystemProperties.UNIQUE_ID))
        {
            return all;
        }
        final Map<String, String> shown = new LinkedHashMap<>(all);
        shown.remove(SystemProperties.UNIQUE_ID); // messageId() answers it
        return Collections.unmodifiableMap(shown);
    }

    @Override
    public ByteBuffer body()
    {
        return view.body();
    }

    @Override
    public int bodySize()
    {
        return view.bodySize();
    }

    @Override
    public byte[] bodyBytes()
    {
        return view.bodyBytes();
    }

    @Override
    public int queueId()
    {
        return view.queueId();
    }

    @Override
    public long queueOffset()
    {
        return view.queueOffset();
    }

    @Override
    public long logOffset()
    {
        return view.logOffset();
    }

    @Override
    public long bornTimestampMs()
    {
        return view.bornTimestampMs();
    }

    @Override
    public long storeTimestampMs()
    {
        return view.storeTimestampMs();
    }

    @Override
    public int reconsumeTimes()
    {
        return view.reconsumeTimes() + localAttempts;
    }

    @Override
    public String producerId()
    {
        return view.producerId();
    }

    /**
     * @return the broker's redelivery count, without this client's in-place attempts.
     */
    int brokerReconsumeTimes()
    {
        return view.reconsumeTimes();
    }

    /**
     * @return the deliveries this client made again in place after a failure.
     */
    int localAttempts()
    {
        return localAttempts;
    }

    /**
     * Counts one more in-place delivery.
     */
    void countLocalAttempt()
    {
        localAttempts++;
    }

    @Override
    public String toString()
    {
        return "ReceivedMessage{queue=" + queue + ", offset=" + view.queueOffset() + ", id=" + view.messageId() +
            ", topic=" + topic() + ", tag=" + view.tag() + ", reconsumeTimes=" + reconsumeTimes() + '}';
    }
}

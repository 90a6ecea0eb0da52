package io.rocklet.api.admin;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageView;
import io.rocklet.api.SystemProperties;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A stored message as the admin shows it: every field, every property (the broker's {@code __} ones included)
 * and the body. Immutable: the body is copied in and out.
 *
 * @param brokerName       the broker that stores it.
 * @param messageId        its unique id (the same in the retry and dead-letter topics as in the topic it was sent to).
 * @param topic            its topic.
 * @param queueId          its queue on that broker.
 * @param queueOffset      its position in the queue.
 * @param tag              its tag, or {@code ""}.
 * @param keys             its keys.
 * @param properties       every property, sorted by name.
 * @param body             the body (a copy).
 * @param bornTimestampMs  when the producer sent it.
 * @param storeTimestampMs when the broker stored it.
 * @param reconsumeTimes   how many times it was redelivered after failed consumption.
 * @param producerId       the client id of the producer, or {@code ""}.
 * @param offsetMessageId  the id of this stored copy: its broker's store and log position.
 * @param logOffset        its position in its broker's log (orders messages stored in the same millisecond).
 */
public record MessageDetail(String brokerName, String messageId, String topic, int queueId, long queueOffset,
    String tag, List<String> keys, Map<String, String> properties, byte[] body, long bornTimestampMs,
    long storeTimestampMs, int reconsumeTimes, String producerId, String offsetMessageId, long logOffset)
{
    public MessageDetail
    {
        keys = List.copyOf(keys);
        properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        body = body.clone();
    }

    /**
     * @return the detail of a message read from {@code brokerName}.
     */
    public static MessageDetail of(final String brokerName, final MessageView view)
    {
        return new MessageDetail(brokerName, view.messageId(), view.topic(), view.queueId(), view.queueOffset(),
            view.tag(), view.keys(), view.properties(), view.bodyBytes(), view.bornTimestampMs(),
            view.storeTimestampMs(), view.reconsumeTimes(), view.producerId(), view.offsetMessageId(),
            view.logOffset());
    }

    /**
     * @return a copy of the body.
     */
    @Override
    public byte[] body()
    {
        return body.clone();
    }

    /**
     * @return the body decoded as UTF-8.
     */
    public String bodyText()
    {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * @return the properties the producer set (those not starting with {@code __}).
     */
    public Map<String, String> userProperties()
    {
        final TreeMap<String, String> user = new TreeMap<>(properties);
        user.keySet().removeIf(name -> name.startsWith("__"));
        return Collections.unmodifiableMap(user);
    }

    /**
     * @return for a retried or dead-lettered message, the topic it was first sent to; else its own topic.
     */
    public String originTopic()
    {
        return properties.getOrDefault(SystemProperties.ORIGIN_TOPIC, topic);
    }

    /**
     * @return the queue it is stored in.
     */
    public MessageQueue queue()
    {
        return new MessageQueue(topic, brokerName, queueId);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof MessageDetail that && brokerName.equals(that.brokerName) &&
            messageId.equals(that.messageId) && topic.equals(that.topic) && queueId == that.queueId &&
            queueOffset == that.queueOffset && tag.equals(that.tag) && keys.equals(that.keys) &&
            properties.equals(that.properties) && Arrays.equals(body, that.body) &&
            bornTimestampMs == that.bornTimestampMs && storeTimestampMs == that.storeTimestampMs &&
            reconsumeTimes == that.reconsumeTimes && producerId.equals(that.producerId) &&
            offsetMessageId.equals(that.offsetMessageId) && logOffset == that.logOffset;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(brokerName, messageId, offsetMessageId, queueId, queueOffset) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString()
    {
        return "MessageDetail{messageId=" + messageId + ", offsetMessageId=" + offsetMessageId + ", queue=" + topic + "@" + brokerName + ":" + queueId +
            ", queueOffset=" + queueOffset + ", tag=" + tag + ", keys=" + keys + ", properties=" + properties +
            ", bodyBytes=" + body.length + ", bornTimestampMs=" + bornTimestampMs + ", storeTimestampMs=" +
            storeTimestampMs + ", reconsumeTimes=" + reconsumeTimes + ", producerId=" + producerId + '}';
    }
}

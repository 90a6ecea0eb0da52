package io.rocklet.broker.internal;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.TopicNames;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import io.rocklet.broker.metrics.BrokerMetrics;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.StoredMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Redelivery of messages a consumer group failed to process (RocketMQ's send-back): the message goes to the group's
 * retry topic {@code %RETRY%<group>} (queue 0) after the back-off of its delay level - by default level
 * {@code 3 + reconsumeTimes} (10 s, 30 s, 1 m ... capped at the last level) - or, once it has been redelivered
 * {@code maxReconsumeTimes} times, to the group's dead-letter topic {@code %DLQ%<group>}, which can be read like any
 * topic. The copy keeps the body, tag, keys, user properties and metadata, counts one more reconsume, and records
 * the original topic and offset id (set the first time only); its unique id stays the same. The request names the
 * delivered copy by its offset id (or the message by its unique id: then its latest copy is sent back). Runs on the caller's thread.
 */
public final class RetryService
{
    /** Queues of a retry or dead-letter topic. */
    public static final int QUEUES = 1;
    /** A message sent back without a level waits at this level plus its reconsume count (level 3 is 10 s). */
    private static final int FIRST_RETRY_LEVEL = 3;

    private final MessageStore store;
    private final TopicConfigStore topics;
    private final DelayLevels delayLevels;
    private final BrokerMetrics metrics;

    public RetryService(final MessageStore store, final TopicConfigStore topics, final DelayLevels delayLevels,
        final BrokerMetrics metrics)
    {
        this.metrics = metrics;
        this.store = store;
        this.topics = topics;
        this.delayLevels = delayLevels;
    }

    /**
     * Creates the group's retry topic unless it exists.
     */
    public void ensureRetryTopic(final String group)
    {
        topics.putIfAbsent(TopicConfig.of(SystemTopics.retryTopic(group), QUEUES));
    }

    /**
     * Sends the message back for redelivery, or to the dead-letter topic.
     */
    public void sendBack(final SendBackRequest request)
    {
        if (request == null || request.group() == null || !TopicNames.isValid(request.group()) ||
            request.maxReconsumeTimes() < 0)
        {
            throw new InvalidArgumentException("illegal send-back: request=" + request);
        }
        if (request.delayLevel() > 0)
        {
            delayLevels.check(request.delayLevel(), "cannot send back, illegal delay level: group=" +
                request.group() + ", messageId=" + request.messageId());
        }
        final List<StoredMessage> copies = store.messagesById(request.messageId());
        if (copies.isEmpty())
        {
            throw new InvalidArgumentException("cannot send back, message not found: messageId=" +
                request.messageId() + ", group=" + request.group() +
                " (deleted by retention, or stored by another broker)");
        }
        final StoredMessage failed = copies.get(copies.size() - 1); // a unique id names every copy: the latest
        final Map<String, String> properties = new HashMap<>(failed.properties());
        final String originalTopic = request.originalTopic() != null ? request.originalTopic() : failed.topic();
        properties.putIfAbsent(SystemProperties.ORIGIN_TOPIC, originalTopic);
        properties.putIfAbsent(SystemProperties.ORIGIN_MESSAGE_ID, failed.offsetMessageId());
        properties.putIfAbsent(SystemProperties.UNIQUE_ID, failed.messageId());
        final int reconsumeTimes = failed.reconsumeTimes() + 1;
        if (request.delayLevel() < 0 || failed.reconsumeTimes() >= request.maxReconsumeTimes())
        {
            final String dlq = SystemTopics.dlqTopic(request.group());
            topics.putIfAbsent(TopicConfig.of(dlq, QUEUES));
            append(new Message(dlq, failed.tag(), failed.keys(), properties, failed.bodyBytes()), 0, failed,
                reconsumeTimes);
            metrics.sentToDeadLetters(request.group());
            return;
        }
        ensureRetryTopic(request.group());
        final int level = delayLevels.cap(request.delayLevel() > 0 ? request.delayLevel() :
            FIRST_RETRY_LEVEL + failed.reconsumeTimes());
        final Message retry = new Message(SystemTopics.retryTopic(request.group()), failed.tag(), failed.keys(),
            properties, failed.bodyBytes());
        append(DelayLevels.toSchedule(retry, 0, level), DelayLevels.scheduleQueue(level), failed, reconsumeTimes);
        metrics.sentToRetry(request.group());
    }

    private void append(final Message message, final int queueId, final StoredMessage failed,
        final int reconsumeTimes)
    {
        store.append(new AppendRequest(message, queueId, failed.bornTimestampMs(), failed.producerId(),
            reconsumeTimes, 0L, failed.flags()));
    }
}

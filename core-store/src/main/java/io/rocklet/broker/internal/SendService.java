package io.rocklet.broker.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.broker.metrics.BrokerMetrics;
import io.rocklet.store.AppendBatchReceipt;
import io.rocklet.store.AppendReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayList;
import java.util.List;

/**
 * The producing side: checks a send (system topics refused, body size, topic present - or created on the first
 * send when enabled - and writable, queue id within the write queues, body not empty, delay level
 * one of the configured levels, delivery time within the maximum delay) and appends it to the store,
 * through the schedule or timer topic when it carries a delay ({@link Delays}). A message without a unique id
 * gets one here ({@link UniqueMessageIds}; producers set it before their first attempt), and the result names it.
 * A transactional message ({@link SystemProperties#TRANSACTION_PREPARED}) is stored as a half message
 * ({@link HalfMessageStore}); it may be neither delayed nor batched.
 * Runs on the caller's thread; stateless apart from the structures it uses.
 */
public final class SendService
{
    /** Per thread: the log position after the record it stored last (a SYNC send waits for that, not the log end). */
    private static final ThreadLocal<long[]> STORED_END = ThreadLocal.withInitial(() -> new long[1]);
    /** Per thread: where the records of the last batch went (read before the thread's next batch). */
    private static final ThreadLocal<AppendBatchReceipt> BATCH_RECEIPT = ThreadLocal.withInitial(AppendBatchReceipt::new);
    /**
     * Each sending thread's receipt of {@code MessageStore.append(request, receipt)}: {@link #send} reads it back
     * before it returns, so a send does not allocate the store's {@code AppendResult} and its offset message id.
     */
    private static final ThreadLocal<AppendReceipt> RECEIPT = ThreadLocal.withInitial(AppendReceipt::new);

    private final MessageStore store;
    private final TopicConfigStore topics;
    private final Delays delays;
    private final String brokerName;
    private final int maxBodyBytes;
    private final boolean autoCreateTopics;
    private final int autoCreateQueues;
    private final EpochClock clock;
    private final HalfMessageStore halves;
    private final BrokerMetrics metrics;

    /**
     * A send service storing into {@code store}, transactional messages' halves into {@code halves}.
     */
    public SendService(final MessageStore store, final TopicConfigStore topics, final Delays delays,
        final String brokerName, final int maxBodyBytes, final boolean autoCreateTopics, final int autoCreateQueues,
        final EpochClock clock, final HalfMessageStore halves, final BrokerMetrics metrics)
    {
        this.metrics = metrics;
        this.clock = clock;
        this.halves = halves;
        this.store = store;
        this.topics = topics;
        this.delays = delays;
        this.brokerName = brokerName;
        this.maxBodyBytes = maxBodyBytes;
        this.autoCreateTopics = autoCreateTopics;
        this.autoCreateQueues = autoCreateQueues;
    }

    /**
     * @return the log position after the record the calling thread stored last ({@link #send}: its record or its
     *     copy for the schedule or timer topic; {@link #sendBatch}: the batch's last): the bytes a SYNC send needs
     *     replicated, without waiting for what other threads appended after it.
     */
    public static long storedEnd()
    {
        return STORED_END.get()[0];
    }

    /**
     * Stores one message; a delayed message waits in the schedule or timer topic, and its result names that
     * record (id and queue offset) and the queue it will be delivered to.
     */
    public SendResult send(final SendRequest request)
    {
        if (request == null || request.message() == null)
        {
            throw new InvalidArgumentException("illegal send: request=" + request);
        }
        final Message message = accepted(request.message());
        if (isTransactional(message))
        {
            if (message.delay().isDelayed() || request.delayLevel() != 0)
            {
                throw new InvalidArgumentException("a transactional message cannot be delayed: topic=" +
                    message.topic() + ", delay=" + message.delay() + ", delayLevel=" + request.delayLevel());
            }
            writableTopic(message.topic(), request.queueId());
            return result(message, null, request.queueId(), halves.storeHalf(message, request.queueId(),
                request.bornTimestampMs(), request.producerId(), request.producerGroup()));
        }
        final AppendRequest append = delays.appendRequest(message, request.queueId(), request.delayLevel(),
            request.bornTimestampMs(), request.producerId());
        writableTopic(message.topic(), request.queueId());
        final AppendReceipt receipt = RECEIPT.get(); // this thread's, read back before the method returns
        store.append(append, receipt);
        return result(message, append, request.queueId(), receipt.logOffset(), receipt.recordBytes(),
            receipt.queueOffset(), receipt.storeTimestampMs());
    }

    /**
     * Stores messages of one topic in one queue, in order, as one store batch ({@link MessageStore#appendBatch}): every
     * message is checked (as {@link #send} checks one, and a transactional one refused) before the first is stored,
     * and a refused batch stores nothing; the error names the index of the message refused.
     */
    public List<SendResult> sendBatch(final SendBatchRequest request)
    {
        if (request == null || request.messages().isEmpty())
        {
            throw new InvalidArgumentException("illegal batch: request=" + request + ", at least one message needed");
        }
        final int count = request.messages().size();
        final List<Message> messages = new ArrayList<>(count);
        final List<AppendRequest> appends = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            try
            {
                final Message message = accepted(request.messages().get(i));
                if (!message.topic().equals(request.topic()))
                {
                    throw new InvalidArgumentException("illegal batch: topic=" + request.topic() +
                        ", every message must be of the batch's topic, found=" + message.topic());
                }
                if (isTransactional(message))
                {
                    throw new InvalidArgumentException("a transactional message cannot be sent in a batch: topic=" +
                        request.topic());
                }
                messages.add(message);
                appends.add(delays.appendRequest(message, request.queueId(), 0, request.bornTimestampMs(),
                    request.producerId()));
            }
            catch (final InvalidArgumentException e)
            {
                throw new InvalidArgumentException(e.errorCode(), "batch refused, nothing stored: index=" + i +
                    ", messages=" + count + ", " + e.getMessage());
            }
        }
        writableTopic(request.topic(), request.queueId());
        final AppendBatchReceipt stored = BATCH_RECEIPT.get();
        store.appendBatch(appends, stored);
        STORED_END.get()[0] = stored.endOffset();
        final List<SendResult> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            results.add(result(messages.get(i), appends.get(i), request.queueId(), stored.queueOffset(i),
                stored.storeTimestampMs(i)));
        }
        return results;
    }

    /**
     * @return the topic, created if missing and auto-creation is on.
     * @throws RockletException ILLEGAL_TOPIC, TOPIC_NOT_FOUND, PERMISSION_DENIED or INVALID_ARGUMENT.
     */
    private TopicConfig writableTopic(final String name, final int queueId)
    {
        if (name == null || SystemTopics.isSystem(name))
        {
            throw new InvalidArgumentException(ErrorCode.ILLEGAL_TOPIC, "cannot send to a system topic: topic=" +
                name + " (topics starting with % are reserved for the broker)");
        }
        TopicConfig topic = topics.get(name);
        if (topic == null)
        {
            if (!autoCreateTopics)
            {
                throw new RockletException(ErrorCode.TOPIC_NOT_FOUND, "cannot send, no such topic: topic=" + name +
                    ", broker=" + brokerName + ", autoCreateTopicEnable=false");
            }
            topic = topics.putIfAbsent(TopicConfig.of(name, autoCreateQueues));
        }
        if (!topic.writable())
        {
            throw new RockletException(ErrorCode.PERMISSION_DENIED, "cannot send, topic is not writable: topic=" +
                name + ", permission=" + topic.permission() + ", broker=" + brokerName);
        }
        if (queueId < 0 || queueId >= topic.writeQueues())
        {
            throw new InvalidArgumentException("illegal queue id: topic=" + name + ", queueId=" + queueId +
                ", writeQueues=" + topic.writeQueues());
        }
        return topic;
    }

    /**
     * The one check of a message to store, for single and batched sends: its body, and its unique id given when the
     * producer gave none.
     *
     * @return the message with its unique id.
     */
    private Message accepted(final Message sent)
    {
        final Message message = UniqueMessageIds.ensure(sent, clock.time());
        checkBody(message);
        return message;
    }

    private void checkBody(final Message message)
    {
        if (message.body().length == 0)
        {
            throw new InvalidArgumentException("message body is empty: topic=" + message.topic());
        }
        if (message.body().length > maxBodyBytes)
        {
            throw new InvalidArgumentException(ErrorCode.MESSAGE_TOO_LARGE, "message body too large: topic=" +
                message.topic() + ", bodyBytes=" + message.body().length + ", maxBodyBytes=" + maxBodyBytes);
        }
    }

    private static boolean isTransactional(final Message message)
    {
        return "true".equalsIgnoreCase(message.properties().get(SystemProperties.TRANSACTION_PREPARED));
    }

    /**
     * @param append the record stored: {@code message} itself, or its copy for the schedule or timer topic; null for
     *               a transactional message's half (counted as a message in of its topic).
     */
    private SendResult result(final Message message, final AppendRequest append, final int queueId,
        final AppendResult stored)
    {
        return result(message, append, queueId, stored.logOffset(), stored.recordBytes(), stored.queueOffset(),
            stored.storeTimestampMs());
    }

    private SendResult result(final Message message, final AppendRequest append, final int queueId,
        final long logOffset, final int recordBytes, final long queueOffset, final long storeTimestampMs)
    {
        STORED_END.get()[0] = logOffset + recordBytes;
        return result(message, append, queueId, queueOffset, storeTimestampMs);
    }

    /** A stored message's result, counted in; the caller records where its records end ({@code STORED_END}). */
    private SendResult result(final Message message, final AppendRequest append, final int queueId,
        final long queueOffset, final long storeTimestampMs)
    {
        metrics.messageIn(message.topic(), append != null && append.message() != message, message.body().length);
        return new SendResult(UniqueMessageIds.of(message), brokerName, queueId, queueOffset, storeTimestampMs);
    }
}

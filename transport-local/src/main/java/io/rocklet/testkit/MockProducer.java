package io.rocklet.testkit;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import io.rocklet.store.MessageIds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Producer} with no broker at all, for unit tests of code that sends: it records what was sent and answers
 * with realistic receipts (24-hex-digit ids, queues taken round robin or by sharding key, dense offsets per queue),
 * in the spirit of Kafka's {@code MockProducer}:
 *
 * <pre>{@code
 * MockProducer producer = new MockProducer();
 * new OrderService(producer, "orders").place("order-42");
 * assertEquals(List.of("order-42"), producer.history("orders").get(0).keys());
 *
 * producer.failWith(new RockletException(ErrorCode.BUSY, "broker busy"));  // every send fails until succeed()
 * assertThrows(RockletException.class, () -> new OrderService(producer, "orders").place("order-43"));
 * }</pre>
 *
 * It checks what the real producer checks before any I/O (closed producer, null message, body larger than
 * {@link ProducerConfig#maxBodyBytes()}, system topics, batch of one topic) and fails the same way. Failed sends are
 * not recorded. Asynchronous sends complete before they return. Thread-safe.
 */
public final class MockProducer implements Producer
{
    /** The broker name in the receipts' queues. */
    public static final String BROKER_NAME = "mock-broker";

    private static final int STORE_TAG = 0x4D4F434B; // "MOCK"
    private static final int RECORD_OVERHEAD_BYTES = 96;

    private final ProducerConfig config;
    private final int queuesPerTopic;
    private final List<Sent> sent = new ArrayList<>();
    private final Map<String, Integer> nextQueue = new HashMap<>();
    private final Map<MessageQueue, Long> nextOffsets = new HashMap<>();
    private final Set<String> recalled = new LinkedHashSet<>();
    private long logOffset;
    private RuntimeException failure;
    private boolean failOnce;
    private boolean closed;

    /**
     * One send recorded: the message, the sharding key it was sent with (or null), and the receipt it got.
     *
     * @param message     the message.
     * @param shardingKey the sharding key, or null for a round-robin send.
     * @param receipt     the receipt returned.
     */
    public record Sent(Message message, String shardingKey, SendReceipt receipt)
    {
    }

    /**
     * A producer of group {@code mock-producer} with the default settings, 4 queues per topic.
     */
    public MockProducer()
    {
        this(ProducerConfig.builder("mock-producer").build(), TopicConfig.DEFAULT_QUEUES);
    }

    /**
     * @param config         group, body limit and queue selector to use.
     * @param queuesPerTopic queues each topic has (1 to 1024).
     */
    public MockProducer(final ProducerConfig config, final int queuesPerTopic)
    {
        this.config = Arguments.notNull(config, "config", "MockProducer");
        if (queuesPerTopic < 1 || queuesPerTopic > TopicConfig.MAX_QUEUES)
        {
            throw new InvalidArgumentException("illegal MockProducer argument: queuesPerTopic=" + queuesPerTopic +
                ", allowed: 1.." + TopicConfig.MAX_QUEUES);
        }
        this.queuesPerTopic = queuesPerTopic;
    }

    @Override
    public synchronized SendReceipt send(final Message message)
    {
        check(message);
        failIfAsked();
        return record(message, null);
    }

    @Override
    public synchronized SendReceipt send(final Message message, final String shardingKey)
    {
        check(message);
        checkKey(shardingKey);
        failIfAsked();
        return record(message, shardingKey);
    }

    @Override
    public CompletableFuture<SendReceipt> sendAsync(final Message message)
    {
        try
        {
            return CompletableFuture.completedFuture(send(message));
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<SendReceipt> sendAsync(final Message message, final String shardingKey)
    {
        try
        {
            return CompletableFuture.completedFuture(send(message, shardingKey));
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Records the message, or drops it when sends are set to fail: a one-way send reports no failure, but it
     * still throws for what the real producer checks first (closed producer, illegal message).
     */
    @Override
    public synchronized void sendOneway(final Message message)
    {
        check(message);
        if (failure != null)
        {
            endOneTimeFailure();
            return;
        }
        record(message, null);
    }

    @Override
    public synchronized List<SendReceipt> send(final List<Message> batch)
    {
        checkBatch(batch);
        failIfAsked();
        final MessageQueue queue = nextQueue(batch.get(0).topic());
        final List<SendReceipt> receipts = new ArrayList<>(batch.size());
        for (final Message message : batch)
        {
            receipts.add(store(message, null, queue));
        }
        return List.copyOf(receipts);
    }

    /**
     * Recalls a delayed message this producer sent (there is no clock: it is waiting until recalled).
     *
     * @return true for a message sent with a delay to {@code topic} and not recalled before, else false; see
     *     {@link #recalled()}.
     */
    @Override
    public synchronized CompletableFuture<Boolean> recall(final String topic, final String messageId)
    {
        Arguments.notNull(topic, "topic", "recall");
        Arguments.notNull(messageId, "messageId", "recall");
        final boolean waiting = sent.stream().anyMatch(send -> send.message().topic().equals(topic) &&
            send.message().delay().isDelayed() && send.receipt().messageId().equals(messageId));
        return CompletableFuture.completedFuture(waiting && recalled.add(messageId));
    }

    /**
     * @return the ids of the messages recalled, in order.
     */
    public synchronized List<String> recalled()
    {
        return List.copyOf(recalled);
    }

    @Override
    public String group()
    {
        return config.group();
    }

    /**
     * Stops sending: every later send fails with {@link ClosedException}. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        closed = true;
    }

    /**
     * @return true once {@link #close()} was called.
     */
    public synchronized boolean closed()
    {
        return closed;
    }

    /**
     * Makes every send from now on fail with {@code error} (thrown by the synchronous sends, completing the
     * futures of the asynchronous ones) until {@link #succeed()}.
     */
    public synchronized void failWith(final RuntimeException error)
    {
        failure = Arguments.notNull(error, "error", "failWith");
        failOnce = false;
    }

    /**
     * Makes the next send fail with {@code error}; the ones after it succeed.
     */
    public synchronized void failNext(final RuntimeException error)
    {
        failure = Arguments.notNull(error, "error", "failNext");
        failOnce = true;
    }

    /**
     * Makes sends succeed again.
     */
    public synchronized void succeed()
    {
        failure = null;
        failOnce = false;
    }

    /**
     * @return the messages sent successfully, in order.
     */
    public synchronized List<Message> history()
    {
        return sent.stream().map(Sent::message).toList();
    }

    /**
     * @return the messages sent successfully to {@code topic}, in order.
     */
    public synchronized List<Message> history(final String topic)
    {
        Arguments.notNull(topic, "topic", "history");
        return sent.stream().map(Sent::message).filter(message -> message.topic().equals(topic)).toList();
    }

    /**
     * @return every successful send with its sharding key and receipt, in order.
     */
    public synchronized List<Sent> sent()
    {
        return List.copyOf(sent);
    }

    /**
     * Forgets the history; queue offsets and message ids go on from where they were, as a broker's would.
     */
    public synchronized void clear()
    {
        sent.clear();
    }

    @Override
    public synchronized String toString()
    {
        return "MockProducer{group=" + config.group() + ", sent=" + sent.size() + ", closed=" + closed + '}';
    }

    private SendReceipt record(final Message message, final String shardingKey)
    {
        final MessageQueue queue = shardingKey == null ? nextQueue(message.topic()) :
            select(message.topic(), shardingKey);
        return store(message, shardingKey, queue);
    }

    private SendReceipt store(final Message message, final String shardingKey, final MessageQueue queue)
    {
        final long offset = nextOffsets.merge(queue, 1L, Long::sum) - 1;
        final SendReceipt receipt = new SendReceipt(MessageIds.encode(STORE_TAG, logOffset), queue, offset);
        logOffset += RECORD_OVERHEAD_BYTES + message.body().length;
        sent.add(new Sent(message, shardingKey, receipt));
        return receipt;
    }

    private MessageQueue nextQueue(final String topic)
    {
        final int queueId = nextQueue.merge(topic, 1, Integer::sum) - 1;
        return new MessageQueue(topic, BROKER_NAME, Math.floorMod(queueId, queuesPerTopic));
    }

    private MessageQueue select(final String topic, final String shardingKey)
    {
        final List<MessageQueue> queues = new ArrayList<>(queuesPerTopic);
        for (int queueId = 0; queueId < queuesPerTopic; queueId++)
        {
            queues.add(new MessageQueue(topic, BROKER_NAME, queueId));
        }
        final MessageQueue queue = config.queueSelector().select(queues, shardingKey);
        if (queue == null || !queues.contains(queue))
        {
            throw new InvalidArgumentException("queue selector chose a queue the topic does not have: topic=" + topic +
                ", shardingKey=" + shardingKey + ", queue=" + queue + ", queues=" + queues.size());
        }
        return queue;
    }

    private void failIfAsked()
    {
        if (failure != null)
        {
            final RuntimeException error = failure;
            endOneTimeFailure();
            throw error;
        }
    }

    private void endOneTimeFailure()
    {
        if (failOnce)
        {
            failure = null;
            failOnce = false;
        }
    }

    private void check(final Message message)
    {
        if (closed)
        {
            throw new ClosedException("producer closed: group=" + config.group());
        }
        config.checkSendable(message);
    }

    private static void checkKey(final String shardingKey)
    {
        if (shardingKey == null)
        {
            throw new InvalidArgumentException("cannot send: shardingKey=null");
        }
    }

    private void checkBatch(final List<Message> batch)
    {
        if (closed)
        {
            throw new ClosedException("producer closed: group=" + config.group());
        }
        if (batch == null || batch.isEmpty())
        {
            throw new InvalidArgumentException("cannot send an empty batch: group=" + config.group() + ", batch=" +
                batch);
        }
        long totalBytes = 0;
        for (final Message message : batch)
        {
            check(message);
            if (!message.topic().equals(batch.get(0).topic()))
            {
                throw new InvalidArgumentException("a batch must have one topic: topic=" + batch.get(0).topic() +
                    ", other=" + message.topic());
            }
            totalBytes += message.body().length;
        }
        if (totalBytes > config.maxBodyBytes())
        {
            throw new InvalidArgumentException(ErrorCode.MESSAGE_TOO_LARGE, "batch too large: topic=" +
                batch.get(0).topic() + ", messages=" + batch.size() + ", totalBodyBytes=" + totalBytes +
                ", maxBodyBytes=" + config.maxBodyBytes());
        }
    }
}

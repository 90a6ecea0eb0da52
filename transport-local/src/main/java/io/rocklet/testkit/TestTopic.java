package io.rocklet.testkit;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.Delay;
import io.rocklet.api.Message;
import io.rocklet.api.MessageListener;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.TransactionChecker;
import io.rocklet.api.TransactionProducer;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.client.internal.Futures;
import io.rocklet.embedded.EmbeddedRocklet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A topic and a consumer group made for one test, so that tests sharing a broker never see each other's messages,
 * with the helpers a test needs around them: send, receive with a timeout, count, drain, wait for a group or a
 * listener, and consumers that are closed after the test. Declare it as a parameter of a test (or
 * {@code @BeforeEach}) method of a class using {@link RockletExtension}:
 *
 * <pre>{@code
 * @Test
 * void shouldBillPaidOrdersWhenPaymentArrives(TestTopic orders)
 * {
 *     RecordingListener billing = orders.recordingListener(new BillingListener(ledger));
 *     orders.newPushConsumer(billing);                       // group orders.group(), from the first message
 *     orders.send(m -> m.tag("paid").key("order-42").property("customer", "c7").body("{\"order\":42}"));
 *     billing.awaitCount(1, Duration.ofSeconds(5));
 *     orders.awaitConsumed(1, Duration.ofSeconds(5));         // committed by the group
 * }
 * }</pre>
 *
 * Names look like {@code OrderTest-shouldBill-7} (topic) and {@code OrderTest-shouldBill-7-group} (group). The
 * kit's own reader ({@link #receive}, {@link #drain}) is a group of its own that starts at the first message, so it
 * sees every message whatever the test's consumers do. Thread-safe.
 */
public final class TestTopic implements AutoCloseable
{
    /** How often the kit's consumers commit offsets, so that {@link #awaitConsumed} sees progress soon. */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedRocklet rocklet;
    private final BrokerProbe probe;
    private final String name;
    private final String group;
    private final int queues;
    private final Path offsetDirectory;
    private final TopicConsumers consumers;
    private final List<SentMessage> sent = new ArrayList<>();
    private final List<TransactionProducer> transactionProducers = new ArrayList<>();
    private Producer producer;
    private TopicReader reader;
    private boolean closed;

    /**
     * Creates the topic on the broker; it is routable when this returns.
     */
    TestTopic(final EmbeddedRocklet rocklet, final String name, final int queues, final Path offsetDirectory)
    {
        this.rocklet = rocklet;
        this.probe = new BrokerProbe(rocklet.broker());
        this.name = name;
        this.group = name + "-group";
        this.queues = queues;
        this.offsetDirectory = offsetDirectory;
        this.consumers = new TopicConsumers(rocklet);
        rocklet.admin().createTopic(TopicConfig.of(name, queues));
    }

    /**
     * @return the topic's name, unique on its broker.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return a consumer group made for this test: the group of {@link #newPushConsumer}, {@link #newPullConsumer}
     *     and of the injected consumers; give it to the application's consumer under test.
     */
    public String group()
    {
        return group;
    }

    /**
     * @return the topic's queue count.
     */
    public int queues()
    {
        return queues;
    }

    /**
     * @return the embedded router and broker the topic lives on.
     */
    public EmbeddedRocklet rocklet()
    {
        return rocklet;
    }

    /**
     * @return the kit's producer (group {@code <topic>-producer}), made on first use, closed with the topic.
     */
    public synchronized Producer producer()
    {
        checkOpen();
        if (producer == null)
        {
            producer = rocklet.client().newProducer(ProducerConfig.builder(name + "-producer").build());
        }
        return producer;
    }

    /**
     * @param checker answers the broker's check-backs of the group's transactions.
     * @return a new transactional producer of the kit's transaction group ({@link #transactionGroup()}), closed with
     *     the topic; {@code topic.transactionProducer(checker).begin(message)} then commit or roll back.
     */
    public synchronized TransactionProducer transactionProducer(final TransactionChecker checker)
    {
        checkOpen();
        final TransactionProducer made = rocklet.client().newTransactionProducer(
            ProducerConfig.builder(transactionGroup()).build(), Arguments.notNull(checker, "checker",
            "transactionProducer"));
        transactionProducers.add(made);
        return made;
    }

    /**
     * @return the producer group of {@link #transactionProducer}: {@code <topic>-txn}.
     */
    public String transactionGroup()
    {
        return name + "-txn";
    }

    /**
     * @return the transactions of this topic the broker holds open for {@link #transactionGroup()} (half messages
     *     waiting for their outcome), oldest first: {@code assertEquals(1, topic.openTransactions().size())}.
     */
    public List<TransactionInfo> openTransactions()
    {
        return transactions(transactionGroup()).stream()
            .filter(transaction -> transaction.state() == TransactionInfo.State.OPEN).toList();
    }

    /**
     * @return the transactions of this topic the broker holds for {@code producerGroup}: open ones and those rolled
     *     back after the maximum number of check-backs.
     */
    public List<TransactionInfo> transactions(final String producerGroup)
    {
        Arguments.notNull(producerGroup, "producerGroup", "transactions");
        return rocklet.admin().transactions(producerGroup).stream()
            .filter(transaction -> transaction.topic().equals(name)).toList();
    }

    /**
     * Sends a message with {@code body} (UTF-8) and no tag, keys or properties.
     */
    public SendReceipt send(final String body)
    {
        return send(message -> message.body(Arguments.notNull(body, "body", "send")));
    }

    /**
     * Sends a message with a tag, a body (UTF-8) and any number of keys.
     */
    public SendReceipt send(final String tag, final String body, final String... keys)
    {
        Arguments.notNull(body, "body", "send");
        return send(message -> message.tag(tag).keys(Arguments.notNull(keys, "keys", "send")).body(body));
    }

    /**
     * Sends a message with {@code body} (UTF-8) that becomes visible after {@code delay}:
     * {@code send(Delay.level(3), "x")}, {@code send(Delay.after(Duration.ofSeconds(5)), "x")}.
     */
    public SendReceipt send(final Delay delay, final String body)
    {
        Arguments.notNull(delay, "delay", "send");
        Arguments.notNull(body, "body", "send");
        return send(message -> message.delay(delay).body(body));
    }

    /**
     * Recalls a delayed message sent to this topic before it is due ({@link Producer#recall}):
     * {@code assertTrue(topic.recall(topic.send(Delay.after(Duration.ofMinutes(5)), "x")))}.
     *
     * @return true when it was waiting and is now cancelled; false when it is unknown, was not delayed, is already
     *     due or was recalled before.
     */
    public boolean recall(final SendReceipt receipt)
    {
        Arguments.notNull(receipt, "receipt", "recall");
        return Futures.await(producer().recall(name, receipt.messageId()), "recall: topic=" + name + ", messageId=" +
            receipt.messageId());
    }

    /**
     * Sends the message {@code message} builds on a builder for this topic:
     * {@code send(m -> m.tag("paid").key("order-42").property("customer", "c7").body("{...}"))}.
     *
     * @return the broker's receipt.
     */
    public SendReceipt send(final UnaryOperator<Message.Builder> message)
    {
        Arguments.notNull(message, "message", "send");
        final Message built = message.apply(Message.builder(name)).build();
        final SendReceipt receipt = producer().send(built);
        synchronized (sent)
        {
            sent.add(new SentMessage(built, receipt));
        }
        return receipt;
    }

    /**
     * Returns the next {@code count} messages of the topic that this method and {@link #drain} have not returned
     * yet, in queue order per queue, waiting for them up to {@code timeout}.
     *
     * @throws AssertionError when fewer arrive in time, naming what arrived and what the kit sent but did not
     *                        arrive: {@code expected 5 messages on topic t within 2 s, received 3: [...]}.
     */
    public List<ReceivedMessage> receive(final int count, final Duration timeout)
    {
        Arguments.count(count, "receive");
        Arguments.timeout(timeout, "receive");
        final TopicReader topicReader = reader();
        final List<ReceivedMessage> received = topicReader.receive(count, Waits.deadline(timeout));
        if (received.size() < count)
        {
            throw new AssertionError(Describe.timeout("on topic " + name, count, timeout, received,
                sentNotReturned(topicReader)));
        }
        return received;
    }

    /**
     * Returns every message stored in the topic now that {@link #receive} and this method have not returned yet;
     * afterwards, {@code receive} sees only messages sent later. Does not wait for more.
     */
    public List<ReceivedMessage> drain()
    {
        final TopicReader topicReader = reader();
        final Map<Integer, Long> ends = probe.endOffsets(name);
        final List<ReceivedMessage> drained = topicReader.drain(ends, Waits.deadline(DRAIN_TIMEOUT));
        final long stored = ends.values().stream().mapToLong(Long::longValue).sum();
        final long read = topicReader.returned().size() + topicReader.pending().size();
        if (read < stored)
        {
            throw new AssertionError("drain of topic " + name + " did not reach the end within " +
                Describe.duration(DRAIN_TIMEOUT) + ": stored=" + stored + ", read=" + read + ", endOffsets=" + ends);
        }
        return drained;
    }

    /**
     * @return the messages the topic holds, over every queue.
     */
    public long messageCount()
    {
        return messageCountPerQueue().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * @return queue id to the messages that queue holds, in queue order.
     */
    public Map<Integer, Long> messageCountPerQueue()
    {
        checkOpen();
        return probe.messageCounts(name);
    }

    /**
     * Waits until {@link #group()} has committed {@code count} messages of this topic.
     *
     * @see #awaitConsumed(String, long, Duration)
     */
    public void awaitConsumed(final long count, final Duration timeout)
    {
        awaitConsumed(group, count, timeout);
    }

    /**
     * Waits until {@code consumerGroup} has committed (acknowledged to the broker) at least {@code count} messages
     * of this topic, counted from the first message. Consumers commit every {@code persistOffsetInterval} (push,
     * 5 s by default; 100 ms for the kit's consumers) or {@code autoCommitInterval} (pull), and when they close.
     *
     * @throws AssertionError when it has not within {@code timeout}, with the committed and stored counts.
     */
    public void awaitConsumed(final String consumerGroup, final long count, final Duration timeout)
    {
        Arguments.notNull(consumerGroup, "consumerGroup", "awaitConsumed");
        Arguments.count(count, "awaitConsumed");
        Arguments.timeout(timeout, "awaitConsumed");
        checkOpen();
        if (!Waits.until(Waits.deadline(timeout), () -> probe.consumed(consumerGroup, name) >= count))
        {
            final Map<Integer, Long> stored = messageCountPerQueue();
            throw new AssertionError("expected group " + consumerGroup + " to consume " + count +
                (count == 1 ? " message" : " messages") + " of topic " + name + " within " +
                Describe.duration(timeout) + ", consumed " + probe.consumed(consumerGroup, name) +
                "; the topic holds " + stored.values().stream().mapToLong(Long::longValue).sum() +
                " (per queue " + stored + ")");
        }
    }

    /**
     * @return a push consumer configuration for this topic (all tags) in {@link #group()}, starting at the first
     *     message, committing every 100 ms, keeping broadcasting offsets in the broker's data directory; add a
     *     listener, change anything, and pass it to {@link #newPushConsumer(PushConsumerConfig)}.
     */
    public PushConsumerConfig.Builder pushConsumerConfig()
    {
        return PushConsumerConfig.builder(group).subscribe(name, "*").consumeFrom(ConsumeFrom.FIRST)
            .persistOffsetInterval(COMMIT_INTERVAL).offsetStoreDirectory(offsetDirectory);
    }

    /**
     * @return a started push consumer of {@link #pushConsumerConfig()} calling {@code listener}, on a client of
     *     its own (so each call adds a member to the group); closed with the topic.
     */
    public PushConsumer newPushConsumer(final MessageListener listener)
    {
        Arguments.notNull(listener, "listener", "newPushConsumer");
        return newPushConsumer(pushConsumerConfig().listener(listener).build());
    }

    /**
     * @return a started push consumer of {@code config}, on a client of its own; closed with the topic.
     */
    public PushConsumer newPushConsumer(final PushConsumerConfig config)
    {
        Arguments.notNull(config, "config", "newPushConsumer");
        checkOpen();
        return consumers.push(config);
    }

    /**
     * @return a pull consumer subscribed to this topic in {@link #group()}, starting at the first message,
     *     auto-committing every 100 ms, on a client of its own; closed with the topic.
     */
    public PullConsumer newPullConsumer()
    {
        checkOpen();
        return consumers.pull(PullConsumerConfig.builder(group).consumeFrom(ConsumeFrom.FIRST)
            .autoCommitInterval(COMMIT_INTERVAL).offsetStoreDirectory(offsetDirectory).build(), name);
    }

    /**
     * @return a listener that records what it receives; its timeouts name this topic and list the messages sent
     *     through this topic's helpers that it did not receive.
     */
    public RecordingListener recordingListener()
    {
        return new RecordingListener(null, "at a listener of topic " + name, this::sentMessages);
    }

    /**
     * @param delegate the application's listener, called after each recording.
     * @return a recording listener, as {@link #recordingListener()}, that delegates.
     */
    public RecordingListener recordingListener(final MessageListener delegate)
    {
        Arguments.notNull(delegate, "delegate", "recordingListener");
        return new RecordingListener(delegate, "at a listener of topic " + name, this::sentMessages);
    }

    /**
     * Closes the consumers, the reader and the producer made for this topic; the topic and its messages stay on
     * the broker. Idempotent.
     */
    @Override
    public void close()
    {
        final Producer toClose;
        final TopicReader readerToClose;
        final List<TransactionProducer> transactionalToClose;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            toClose = producer;
            readerToClose = reader;
            transactionalToClose = List.copyOf(transactionProducers);
        }
        transactionalToClose.forEach(TransactionProducer::close);
        consumers.close();
        if (readerToClose != null)
        {
            readerToClose.close();
        }
        if (toClose != null)
        {
            toClose.close();
        }
    }

    @Override
    public String toString()
    {
        return "TestTopic{name=" + name + ", group=" + group + ", queues=" + queues + '}';
    }

    private synchronized TopicReader reader()
    {
        checkOpen();
        if (reader == null)
        {
            reader = new TopicReader(rocklet.client(), name, name + "-reader");
        }
        return reader;
    }

    private List<SentMessage> sentMessages()
    {
        synchronized (sent)
        {
            return List.copyOf(sent);
        }
    }

    private List<SentMessage> sentNotReturned(final TopicReader topicReader)
    {
        final Set<String> returned = new HashSet<>();
        topicReader.returned().forEach(message -> returned.add(message.messageId()));
        return sentMessages().stream().filter(message -> !returned.contains(message.receipt().messageId())).toList();
    }

    private synchronized void checkOpen()
    {
        if (closed)
        {
            throw new ClosedException("test topic closed (its test has ended): topic=" + name);
        }
    }
}

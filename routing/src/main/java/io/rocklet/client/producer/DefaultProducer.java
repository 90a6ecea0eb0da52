package io.rocklet.client.producer;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicNames;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.RecallRequest;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.client.internal.DefaultClientContext;
import io.rocklet.client.internal.Futures;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The producer (F11). Every send is checked before any I/O (body size, system topics, a closed producer),
 * then goes round robin over the topic's writable queues, steering around brokers that failed in the last
 * {@link #FAULT_ISOLATION} (or until a send to them succeeds), and is retried on another broker after a
 * retriable failure, {@link ProducerConfig#retries()} times at most, within {@link ProducerConfig#sendTimeout()}.
 * Every message gets its unique id ({@link UniqueMessageIds}) before the first attempt, so that its retries
 * carry the same one (a message that already has one keeps it). A failure invalidates the topic's cached route.
 * A send with a sharding key goes to the queue {@link ProducerConfig#queueSelector()} picks and is not retried
 * elsewhere. A topic no router knows is sent
 * to a template route on every known broker, so that a broker with auto-create enabled creates it.
 *
 * <p>Thread-safe; sends never block except in the synchronous methods, which wait for their own future.
 */
public final class DefaultProducer implements Producer
{
    /** How long a broker whose send failed is avoided (unless a send to it succeeds earlier). */
    public static final Duration FAULT_ISOLATION = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(DefaultProducer.class);

    private final DefaultClientContext context;
    private final ProducerConfig config;
    private final Consumer<? super DefaultProducer> onClose;
    private final EpochClock epochClock;
    private final QueueChooser chooser;
    private final Sender sender;
    /** Gathers asynchronous sends into batches; null unless {@link ProducerConfig#autoBatch()}. */
    private final AsyncBatcher batcher;
    private final Callbacks callbacks;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates a producer and adds its group to the client's heartbeats.
     *
     * @param onClose told once when the producer closes (the client forgets it); may be null.
     */
    public DefaultProducer(final DefaultClientContext context, final ProducerConfig config,
        final Consumer<? super DefaultProducer> onClose)
    {
        this(context, config, onClose, SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
    }

    DefaultProducer(final DefaultClientContext context, final ProducerConfig config,
        final Consumer<? super DefaultProducer> onClose,
        final NanoClock nanoClock, final EpochClock epochClock)
    {
        if (context == null || config == null)
        {
            throw new InvalidArgumentException("cannot create producer: context=" + context + ", config=" + config);
        }
        this.context = context;
        this.config = config;
        this.onClose = onClose == null ? producer -> { } : onClose;
        this.epochClock = epochClock;
        final BrokerFaults faults = new BrokerFaults(nanoClock, FAULT_ISOLATION.toNanos());
        this.chooser = new QueueChooser(faults);
        this.sender = new Sender(context, config, faults, nanoClock);
        this.callbacks = new Callbacks(config.group());
        this.batcher = config.autoBatch() ? new AsyncBatcher(config, context.scheduler(), callbacks,
            message -> sendRoundRobin(message, config.retries() + 1), this::sendBatch) : null;
        context.registerProducer(config.group());
        LOG.info("producer started: group={}, clientId={}", config.group(), context.clientId());
    }

    @Override
    public SendReceipt send(final Message message)
    {
        check(message);
        return Futures.await(sendRoundRobin(message, config.retries() + 1), "send", message.topic());
    }

    @Override
    public SendReceipt send(final Message message, final String shardingKey)
    {
        check(message);
        checkKey(message, shardingKey);
        return Futures.await(sendSharded(message, shardingKey), "send: topic=" + message.topic());
    }

    @Override
    public CompletableFuture<SendReceipt> sendAsync(final Message message)
    {
        try
        {
            check(message);
        }
        catch (final RockletException e)
        {
            return CompletableFuture.failedFuture(e);
        }
        if (batcher != null && !message.delay().isDelayed())
        {
            return batcher.add(UniqueMessageIds.ensure(message, epochClock.time()));
        }
        return callbacks.handOff(sendRoundRobin(message, config.retries() + 1));
    }

    @Override
    public CompletableFuture<SendReceipt> sendAsync(final Message message, final String shardingKey)
    {
        try
        {
            check(message);
            checkKey(message, shardingKey);
        }
        catch (final RockletException e)
        {
            return CompletableFuture.failedFuture(e);
        }
        return callbacks.handOff(sendSharded(message, shardingKey));
    }

    @Override
    public void sendOneway(final Message message)
    {
        check(message);
        sendRoundRobin(message, 1).whenComplete((receipt, error) ->
        {
            if (error != null && LOG.isDebugEnabled())
            {
                LOG.debug("one-way send failed: group={}, topic={}, error={}", config.group(), message.topic(),
                    Futures.unwrap(error).getMessage());
            }
        });
    }

    @Override
    public List<SendReceipt> send(final List<Message> batch)
    {
        checkOpen();
        final String topic = checkBatch(batch);
        final List<Message> identified = new ArrayList<>(batch.size());
        for (final Message message : batch)
        {
            identified.add(UniqueMessageIds.ensure(message, epochClock.time()));
        }
        return Futures.await(sendBatch(topic, identified), "send batch: topic=" + topic);
    }

    /**
     * @param identified messages of {@code topic} with their unique ids (one id for every attempt).
     */
    private CompletableFuture<List<SendReceipt>> sendBatch(final String topic, final List<Message> identified)
    {
        return sender.send(topic, (queues, excluded) -> chooser.choose(topic, queues, excluded), config.retries() + 1,
            (broker, queue) -> broker.sendBatch(new SendBatchRequest(config.group(), context.clientId(), topic,
                queue.queueId(), identified, epochClock.time())).thenApply(results ->
                    receipts(topic, identified, results)));
    }

    /**
     * Asks the master of every broker holding the topic (from its route), within the request timeout each; true when
     * one of them recalled the message.
     */
    @Override
    public CompletableFuture<Boolean> recall(final String topic, final String messageId)
    {
        final RecallRequest request;
        try
        {
            checkOpen();
            request = checkRecall(topic, messageId);
        }
        catch (final RockletException e)
        {
            return CompletableFuture.failedFuture(e);
        }
        final long timeoutNs = context.config().requestTimeout().toNanos();
        return context.route(topic).thenCompose(route ->
        {
            final List<CompletableFuture<RecallStatus>> answers = new ArrayList<>();
            for (final QueueRoute queues : route.queues())
            {
                answers.add(Futures.within(Futures.call(() -> context.broker(queues.brokerName()).recall(request)),
                    timeoutNs, () -> "recall: topic=" + topic + ", messageId=" + messageId + ", broker=" +
                    queues.brokerName()));
            }
            return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> answers.stream().anyMatch(answer -> answer.join() == RecallStatus.RECALLED));
        }).exceptionallyCompose(error -> CompletableFuture.failedFuture(
            Futures.toRockletException(error, "recall: topic=" + topic + ", messageId=" + messageId)));
    }

    @Override
    public String group()
    {
        return config.group();
    }

    /**
     * @return the producer's settings.
     */
    public ProducerConfig config()
    {
        return config;
    }

    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            if (batcher != null)
            {
                batcher.flushAll(); // what was accepted goes out; its futures complete as the answers come
            }
            context.unregisterProducer(config.group());
            onClose.accept(this);
            LOG.info("producer closed: group={}, clientId={}", config.group(), context.clientId());
        }
    }

    @Override
    public String toString()
    {
        return "DefaultProducer{group=" + config.group() + ", clientId=" + context.clientId() + '}';
    }

    private CompletableFuture<SendReceipt> sendRoundRobin(final Message sent, final int maxAttempts)
    {
        final Message message = UniqueMessageIds.ensure(sent, epochClock.time()); // one id for every attempt
        final String topic = message.topic();
        return sender.send(topic, (queues, excluded) -> chooser.choose(topic, queues, excluded), maxAttempts,
            (broker, queue) -> attempt(broker, queue, message));
    }

    /**
     * One attempt of a send; an answer given in the call (the local transport) is mapped without a further stage.
     */
    private CompletableFuture<SendReceipt> attempt(final BrokerService broker, final MessageQueue queue,
        final Message message)
    {
        final CompletableFuture<SendResult> sent = broker.send(request(message, queue));
        if (sent.isDone() && !sent.isCompletedExceptionally())
        {
            return CompletableFuture.completedFuture(receipt(message.topic(), sent.join()));
        }
        return sent.thenApply(result -> receipt(message.topic(), result));
    }

    private CompletableFuture<SendReceipt> sendSharded(final Message sent, final String shardingKey)
    {
        final Message message = UniqueMessageIds.ensure(sent, epochClock.time());
        final String topic = message.topic();
        return sender.send(topic, (queues, excluded) -> select(queues, topic, shardingKey), 1,
            (broker, queue) -> attempt(broker, queue, message));
    }

    private MessageQueue select(final List<MessageQueue> queues, final String topic, final String shardingKey)
    {
        final MessageQueue queue = config.queueSelector().select(queues, shardingKey);
        if (queue == null || !queues.contains(queue))
        {
            throw new InvalidArgumentException("queue selector chose a queue the topic does not have: topic=" + topic +
                ", shardingKey=" + shardingKey + ", queue=" + queue + ", queues=" + queues.size());
        }
        return queue;
    }

    private SendRequest request(final Message message, final MessageQueue queue)
    {
        return new SendRequest(config.group(), context.clientId(), message, queue.queueId(), epochClock.time(),
            message.delay().level());
    }

    private static SendReceipt receipt(final String topic, final SendResult result)
    {
        return new SendReceipt(result.messageId(), new MessageQueue(topic, result.brokerName(), result.queueId()),
            result.queueOffset());
    }

    private static List<SendReceipt> receipts(final String topic, final List<Message> batch,
        final List<SendResult> results)
    {
        if (results == null || results.size() != batch.size())
        {
            throw new RockletException(ErrorCode.INTERNAL_ERROR, "broker answered a batch with a wrong count: topic=" +
                topic + ", messages=" + batch.size() + ", results=" + (results == null ? null : results.size()));
        }
        final SendReceipt[] receipts = new SendReceipt[results.size()];
        MessageQueue queue = null; // one queue for the batch's messages: one instance
        for (int i = 0; i < receipts.length; i++)
        {
            final SendResult result = results.get(i);
            if (queue == null || queue.queueId() != result.queueId() || !queue.brokerName().equals(result.brokerName()))
            {
                queue = new MessageQueue(topic, result.brokerName(), result.queueId());
            }
            receipts[i] = new SendReceipt(result.messageId(), queue, result.queueOffset());
        }
        return List.of(receipts);
    }

    private void checkOpen()
    {
        if (closed.get())
        {
            throw new ClosedException("producer closed: group=" + config.group());
        }
    }

    private static RecallRequest checkRecall(final String topic, final String messageId)
    {
        if (!TopicNames.isValid(topic) || topic.startsWith("%"))
        {
            throw new InvalidArgumentException("cannot recall: illegal topic=" + topic + ", messageId=" + messageId);
        }
        if (!UniqueMessageIds.isUniqueId(messageId))
        {
            throw new InvalidArgumentException("cannot recall: topic=" + topic + ", illegal messageId=" + messageId +
                " (a unique id of " + UniqueMessageIds.LENGTH + " hex digits, SendReceipt.messageId())");
        }
        return new RecallRequest(topic, messageId);
    }

    private void check(final Message message)
    {
        checkOpen();
        config.checkSendable(message);
    }

    private void checkKey(final Message message, final String shardingKey)
    {
        if (shardingKey == null)
        {
            throw new InvalidArgumentException("cannot send: topic=" + message.topic() + ", shardingKey=null");
        }
    }

    private String checkBatch(final List<Message> batch)
    {
        if (batch == null || batch.isEmpty())
        {
            throw new InvalidArgumentException("cannot send an empty batch: group=" + config.group());
        }
        final String topic = batch.get(0) == null ? null : batch.get(0).topic();
        long totalBytes = 0;
        for (final Message message : batch)
        {
            check(message);
            if (!message.topic().equals(topic))
            {
                throw new InvalidArgumentException("a batch must have one topic: topic=" + topic + ", other=" +
                    message.topic());
            }
            totalBytes += message.body().length;
        }
        if (totalBytes > config.maxBodyBytes())
        {
            throw new InvalidArgumentException(ErrorCode.MESSAGE_TOO_LARGE, "batch too large: topic=" + topic +
                ", messages=" + batch.size() + ", totalBodyBytes=" + totalBytes + ", maxBodyBytes=" +
                config.maxBodyBytes());
        }
        return topic;
    }
}

package io.rocklet.client.producer;

import io.rocklet.api.ClosedException;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.Transaction;
import io.rocklet.api.TransactionChecker;
import io.rocklet.api.TransactionProducer;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionStatus;
import io.rocklet.client.internal.DefaultClientContext;
import io.rocklet.client.internal.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The transactional producer (F21): a half message is a send (a {@link DefaultProducer} of the group: checks, queue
 * choice, retries on another broker) of the message marked {@link SystemProperties#TRANSACTION_PREPARED} with its
 * group ({@link SystemProperties#PRODUCER_GROUP}); the broker keeps it out of its topic until
 * {@link Transaction#commit()} or {@link Transaction#rollback()} ({@code BrokerService.endTransaction}, to the broker
 * that stored it, within the request timeout). Check-backs are answered by a {@link CheckAnswerer}. Thread-safe.
 */
public final class DefaultTransactionProducer implements TransactionProducer
{
    private static final Logger LOG = LoggerFactory.getLogger(DefaultTransactionProducer.class);

    private final DefaultClientContext context;
    private final ProducerConfig config;
    private final DefaultProducer producer;
    private final CheckAnswerer answerer;
    private final Consumer<? super DefaultTransactionProducer> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts the producer: its group joins the client's heartbeats and it watches the checks of every broker.
     *
     * @param onClose told once when the producer closes; may be null.
     */
    public DefaultTransactionProducer(final DefaultClientContext context, final ProducerConfig config,
        final TransactionChecker checker, final Consumer<? super DefaultTransactionProducer> onClose)
    {
        if (context == null || config == null || checker == null)
        {
            throw new InvalidArgumentException("cannot create transaction producer: context=" + context +
                ", config=" + config + ", checker=" + checker);
        }
        this.context = context;
        this.config = config;
        this.onClose = onClose == null ? p -> { } : onClose;
        this.producer = new DefaultProducer(context, config, null);
        this.answerer = new CheckAnswerer(context, config.group(), checker);
    }

    @Override
    public Transaction begin(final Message message)
    {
        if (closed.get())
        {
            throw new ClosedException("transaction producer closed: group=" + config.group());
        }
        config.checkSendable(message);
        if (message.delay().isDelayed())
        {
            throw new InvalidArgumentException("a transactional message cannot be delayed: topic=" + message.topic() +
                ", delay=" + message.delay());
        }
        final Map<String, String> properties = new HashMap<>(message.properties());
        properties.put(SystemProperties.TRANSACTION_PREPARED, "true");
        properties.put(SystemProperties.PRODUCER_GROUP, config.group());
        final SendReceipt receipt = producer.send(new Message(message.topic(), message.tag(), message.keys(),
            properties, message.body()));
        answerer.watch(receipt.queue().brokerName());
        return new HalfTransaction(receipt);
    }

    @Override
    public TransactionResolution send(final Message message,
        final Function<Transaction, TransactionResolution> localTransaction)
    {
        if (localTransaction == null)
        {
            throw new InvalidArgumentException("cannot send in a transaction: topic=" +
                (message == null ? null : message.topic()) + ", localTransaction=null");
        }
        final Transaction transaction = begin(message);
        final TransactionResolution resolution = localTransaction.apply(transaction);
        if (resolution == TransactionResolution.COMMIT)
        {
            transaction.commit();
        }
        else if (resolution == TransactionResolution.ROLLBACK)
        {
            transaction.rollback();
        }
        return resolution == null ? TransactionResolution.UNKNOWN : resolution;
    }

    @Override
    public String group()
    {
        return config.group();
    }

    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            answerer.close();
            producer.close();
            onClose.accept(this);
            LOG.info("transaction producer closed: group={}, clientId={}", config.group(), context.clientId());
        }
    }

    @Override
    public String toString()
    {
        return "DefaultTransactionProducer{group=" + config.group() + ", clientId=" + context.clientId() + '}';
    }

    /** A half message stored by one broker. */
    private final class HalfTransaction implements Transaction
    {
        private final SendReceipt receipt;

        HalfTransaction(final SendReceipt receipt)
        {
            this.receipt = receipt;
        }

        @Override
        public String messageId()
        {
            return receipt.messageId();
        }

        @Override
        public SendReceipt receipt()
        {
            return receipt;
        }

        @Override
        public void commit()
        {
            final EndTransactionStatus status = end(TransactionResolution.COMMIT);
            if (status != EndTransactionStatus.COMMITTED && status != EndTransactionStatus.ALREADY_COMMITTED)
            {
                throw refused("commit", status);
            }
        }

        @Override
        public void rollback()
        {
            final EndTransactionStatus status = end(TransactionResolution.ROLLBACK);
            if (status != EndTransactionStatus.ROLLED_BACK && status != EndTransactionStatus.ALREADY_ROLLED_BACK)
            {
                throw refused("roll back", status);
            }
        }

        @Override
        public String toString()
        {
            return "Transaction{messageId=" + receipt.messageId() + ", queue=" + receipt.queue() + ", halfOffset=" +
                receipt.queueOffset() + '}';
        }

        private EndTransactionStatus end(final TransactionResolution resolution)
        {
            final String brokerName = receipt.queue().brokerName();
            final String what = "end transaction: resolution=" + resolution + ", topic=" + receipt.queue().topic() +
                ", messageId=" + receipt.messageId() + ", broker=" + brokerName;
            final EndTransactionRequest request = new EndTransactionRequest(config.group(), receipt.queue().topic(),
                receipt.messageId(), receipt.queueOffset(), resolution, false);
            return Futures.await(Futures.within(Futures.call(() -> context.broker(brokerName).endTransaction(request)),
                context.config().requestTimeout().toNanos(), () -> what), what);
        }

        private InvalidArgumentException refused(final String what, final EndTransactionStatus status)
        {
            return new InvalidArgumentException("cannot " + what + " the transaction: status=" + status +
                ", topic=" + receipt.queue().topic() + ", messageId=" + receipt.messageId() + ", broker=" +
                receipt.queue().brokerName() + ", halfOffset=" + receipt.queueOffset());
        }
    }
}

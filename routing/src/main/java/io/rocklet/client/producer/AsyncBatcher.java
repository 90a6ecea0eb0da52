package io.rocklet.client.producer;

import io.rocklet.api.Message;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.SendReceipt;
import io.rocklet.client.internal.Futures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A producer's asynchronous sends gathered into batches per topic ({@link ProducerConfig#autoBatch()}): a message
 * joins its topic's open batch; the batch goes as one request (one queue, one store batch, one answer) when it holds
 * {@code batchMaxMessages} messages or {@code batchMaxBytes} of bodies, on the sending thread, or when its first message
 * has waited {@code batchLinger}, on the client's scheduler. A batch of one goes as a plain send. Each message's future
 * completes with its own receipt, or every future of the batch with the batch's error (after the batch's retries).
 * The futures complete on the producer's {@link Callbacks} thread. Thread-safe: the open batches are guarded by this object; requests go out outside it.
 */
final class AsyncBatcher
{
    private final ScheduledExecutorService scheduler;
    private final Callbacks callbacks;
    private final long lingerNs;
    private final int maxMessages;
    private final long maxBytes;
    private final Function<Message, CompletableFuture<SendReceipt>> sendOne;
    private final BiFunction<String, List<Message>, CompletableFuture<List<SendReceipt>>> sendBatch;
    private final Map<String, Batch> open = new HashMap<>();

    /**
     * @param callbacks where the batch's futures complete (one hand-off per batch, not per message).
     * @param sendOne   sends one message (with its retries).
     * @param sendBatch sends messages of one topic as one batch (with its retries); answers one receipt per message.
     */
    AsyncBatcher(final ProducerConfig config, final ScheduledExecutorService scheduler, final Callbacks callbacks,
        final Function<Message, CompletableFuture<SendReceipt>> sendOne,
        final BiFunction<String, List<Message>, CompletableFuture<List<SendReceipt>>> sendBatch)
    {
        this.scheduler = scheduler;
        this.callbacks = callbacks;
        this.lingerNs = config.batchLinger().toNanos();
        this.maxMessages = config.batchMaxMessages();
        this.maxBytes = config.batchMaxBytes();
        this.sendOne = sendOne;
        this.sendBatch = sendBatch;
    }

    /**
     * @param message a checked message with its unique id, no delay.
     * @return completes with the message's receipt once its batch was answered.
     */
    CompletableFuture<SendReceipt> add(final Message message)
    {
        final CompletableFuture<SendReceipt> receipt = new CompletableFuture<>();
        final String topic = message.topic();
        Batch overflowed = null; // at most two batches go now, without a list per message
        Batch full = null;
        Batch started = null;
        synchronized (this)
        {
            Batch batch = open.get(topic);
            if (batch != null && batch.bytes + message.body().length > maxBytes)
            {
                open.remove(topic);
                overflowed = batch; // this message would overflow it: the open batch goes first
                batch = null;
            }
            if (batch == null)
            {
                batch = new Batch(topic, maxMessages);
                open.put(topic, batch);
                started = batch;
            }
            batch.add(message, receipt);
            if (batch.messages.size() >= maxMessages || batch.bytes >= maxBytes)
            {
                open.remove(topic);
                full = batch;
                started = null;
            }
        }
        if (overflowed != null)
        {
            dispatch(overflowed);
        }
        if (full != null)
        {
            dispatch(full);
        }
        if (started != null)
        {
            final Batch lingering = started;
            try
            {
                scheduler.schedule(() -> flush(lingering), lingerNs, TimeUnit.NANOSECONDS);
            }
            catch (final RejectedExecutionException e)
            {
                flush(lingering); // the client is closing: no waiting
            }
        }
        return receipt;
    }

    /**
     * Sends every open batch now (the producer closes).
     */
    void flushAll()
    {
        final List<Batch> batches;
        synchronized (this)
        {
            batches = new ArrayList<>(open.values());
            open.clear();
        }
        batches.forEach(this::dispatch);
    }

    private void flush(final Batch batch)
    {
        synchronized (this)
        {
            if (open.get(batch.topic) != batch)
            {
                return; // gone already: full, or flushed on close
            }
            open.remove(batch.topic);
        }
        dispatch(batch);
    }

    private void dispatch(final Batch batch)
    {
        if (batch.messages.size() == 1)
        {
            callbacks.handOff(Futures.call(() -> sendOne.apply(batch.messages.get(0))))
                .whenComplete((receipt, error) -> complete(batch.receipts.get(0), receipt, error));
            return;
        }
        callbacks.handOff(Futures.call(() -> sendBatch.apply(batch.topic, batch.messages)))
            .whenComplete((receipts, error) ->
            {
                for (int i = 0; i < batch.receipts.size(); i++)
                {
                    complete(batch.receipts.get(i), error == null ? receipts.get(i) : null, error);
                }
            });
    }

    private static void complete(final CompletableFuture<SendReceipt> future, final SendReceipt receipt,
        final Throwable error)
    {
        if (error == null)
        {
            future.complete(receipt);
        }
        else
        {
            future.completeExceptionally(Futures.unwrap(error));
        }
    }

    /** One topic's messages waiting to go together, and their futures. */
    private static final class Batch
    {
        final String topic;
        final List<Message> messages;
        final List<CompletableFuture<SendReceipt>> receipts;
        long bytes;

        Batch(final String topic, final int maxMessages)
        {
            this.topic = topic;
            final int capacity = Math.min(maxMessages, 1024); // sized once: no growing copies
            this.messages = new ArrayList<>(capacity);
            this.receipts = new ArrayList<>(capacity);
        }

        void add(final Message message, final CompletableFuture<SendReceipt> receipt)
        {
            messages.add(message);
            receipts.add(receipt);
            bytes += message.body().length;
        }
    }
}

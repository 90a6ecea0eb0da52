package io.rocklet.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages. Thread-safe. Queues are chosen round robin, skipping a broker that just failed; a
 * send that fails with a retriable error is retried on another broker (twice by default) within the
 * send timeout (3 s by default). Obtain one from {@link RockletClient#newProducer(ProducerConfig)}.
 */
public interface Producer extends AutoCloseable
{
    /**
     * Sends and waits for the broker's answer.
     *
     * @throws InvalidArgumentException for an illegal message (oversize body, reserved topic...).
     * @throws RockletException         when every attempt failed; {@link RockletException#retriable()} tells
     *                                  whether trying again later may help.
     */
    SendReceipt send(Message message);

    /**
     * Sends to the queue {@link ProducerConfig#queueSelector()} chooses for {@code shardingKey}: messages
     * with one key stay in one queue, in the order sent. Not retried on another queue (that would break the
     * order).
     */
    SendReceipt send(Message message, String shardingKey);

    /**
     * Sends without blocking; the future completes with the receipt or the error.
     */
    CompletableFuture<SendReceipt> sendAsync(Message message);

    /**
     * {@link #send(Message, String)} without blocking.
     */
    CompletableFuture<SendReceipt> sendAsync(Message message, String shardingKey);

    /**
     * Sends without waiting for any answer: fastest, and a failure is not reported.
     */
    void sendOneway(Message message);

    /**
     * Sends messages of one topic as one batch to one queue.
     *
     * @return a receipt per message, in order.
     */
    List<SendReceipt> send(List<Message> batch);

    /**
     * Recalls (cancels) a delayed message - sent with a delay level, {@code deliverAt} or {@code deliverAfter} -
     * before it is due (RocketMQ 5.3's recall). Every broker holding the topic is asked; the one storing the message
     * cancels it durably before answering, so a recalled message is never delivered, also after a broker restart or
     * crash.
     *
     * @param topic     the topic the message was sent to.
     * @param messageId its id, {@link SendReceipt#messageId()}.
     * @return completes with true when the message was waiting and is now cancelled; with false when no broker of
     *     the topic holds it waiting: an unknown id, a message sent without a delay, one already due or delivered,
     *     or one recalled before. Fails with {@link InvalidArgumentException} for a malformed topic or id (not a
     *     unique id of 32 hex digits), with a {@link RockletException} when a broker holding the topic cannot be
     *     asked (retriable when trying again may help: the recall is idempotent).
     */
    CompletableFuture<Boolean> recall(String topic, String messageId);

    /**
     * @return the producer group.
     */
    String group();

    /**
     * Stops sending; sends in flight complete. Idempotent.
     */
    @Override
    void close();
}

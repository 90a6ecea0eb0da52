package io.rocklet.api;

import java.util.function.Function;

/**
 * Sends transactional messages (RocketMQ's transactional producer, F21): {@link #begin(Message)} stores a half
 * message, synchronously, that consumers cannot see; the application runs its local transaction and commits or
 * rolls back the returned {@link Transaction}. While it lives, the producer answers the brokers' check-backs of its
 * group with its {@link TransactionChecker}, also for transactions begun by an earlier producer of the group that
 * crashed. Obtain one from {@link RockletClient#newTransactionProducer(ProducerConfig, TransactionChecker)}.
 * Thread-safe.
 *
 * <p>A transactional message cannot be delayed (a delay level or delivery time is refused). Its transaction timeout
 * (the time before the broker first checks it) may be set per message with the property
 * {@link SystemProperties#CHECK_IMMUNITY_TIME_IN_SECONDS}.
 */
public interface TransactionProducer extends AutoCloseable
{
    /**
     * Stores the half message (retried on another broker after a retriable failure, as a send is) and returns its
     * transaction.
     *
     * @throws InvalidArgumentException for an illegal message (oversize body, reserved topic, a delay...).
     * @throws RockletException         when every attempt failed.
     */
    Transaction begin(Message message);

    /**
     * Stores the half message, runs {@code localTransaction} with its transaction and commits or rolls back as it
     * answers; UNKNOWN (or an exception, which is rethrown) leaves the outcome to the broker's check-back.
     *
     * @return the resolution applied.
     */
    TransactionResolution send(Message message, Function<Transaction, TransactionResolution> localTransaction);

    /**
     * @return the producer group.
     */
    String group();

    /**
     * Stops sending and answering checks; transactions begun stay open on the brokers (another producer of the group
     * answers their checks). Idempotent.
     */
    @Override
    void close();
}

package io.rocklet.api;

/**
 * Answers a broker's check-back for a transaction whose outcome never arrived (the producer that began it crashed, or
 * its commit was lost): the broker asks a live producer of the group, which calls this with the half message
 * (RocketMQ 5's {@code TransactionChecker}). Called on the client's check thread, one call at a time; it may block
 * briefly (to look the transaction up in the application's database). An exception counts as
 * {@link TransactionResolution#UNKNOWN} (logged), so the broker asks again later.
 */
@FunctionalInterface
public interface TransactionChecker
{
    /**
     * @param message   the message as it will be delivered on commit: its topic, tag, keys, user properties and body.
     * @param messageId its unique id, {@link Transaction#messageId()} of the transaction that sent it.
     * @return the state of the local transaction.
     */
    TransactionResolution check(Message message, String messageId);
}

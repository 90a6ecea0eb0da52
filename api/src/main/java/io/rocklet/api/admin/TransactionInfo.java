package io.rocklet.api.admin;

/**
 * A transaction as a broker holds it: open (its half message waits for an outcome) or rolled back by the broker
 * after the maximum number of check-backs.
 *
 * @param producerGroup the group whose producers are asked about it.
 * @param topic         the topic the message goes to on commit.
 * @param messageId     the message's unique id (the transaction id).
 * @param brokerName    the broker holding the half message.
 * @param halfOffset    the half message's offset in the broker's half topic.
 * @param storedMs      when the half message was stored (broker clock).
 * @param checks        check-backs made so far.
 * @param state         OPEN or ROLLED_BACK_AFTER_MAX_CHECKS.
 */
public record TransactionInfo(String producerGroup, String topic, String messageId, String brokerName,
    long halfOffset, long storedMs, int checks, State state)
{
    /**
     * What became of the transaction.
     */
    public enum State
    {
        /** Its half message waits for a commit, a rollback or a check-back's answer. */
        OPEN,
        /** The broker rolled it back after its maximum number of check-backs without an answer. */
        ROLLED_BACK_AFTER_MAX_CHECKS
    }
}

package io.rocklet.api;

/**
 * The state of a local transaction, as a {@link TransactionChecker} reports it to the broker (RocketMQ 5's
 * {@code TransactionResolution}).
 */
public enum TransactionResolution
{
    /** The local transaction succeeded: the broker delivers the message. */
    COMMIT,
    /** The local transaction failed: the broker drops the message. */
    ROLLBACK,
    /** Not known yet: the broker asks again at its next check, up to its maximum number of checks. */
    UNKNOWN
}

package io.rocklet.api;

/**
 * One transactional message whose half was stored by a broker (invisible to consumers): the application runs its
 * local transaction, then calls {@link #commit()} (the broker delivers the message, keeping its id, keys and
 * properties) or {@link #rollback()} (the broker drops it). When neither arrives within the broker's transaction
 * timeout, the broker asks a live producer of the group ({@link TransactionChecker}). Thread-safe.
 */
public interface Transaction
{
    /**
     * @return the message's unique id ({@link UniqueMessageIds}), which the delivered message keeps; also the
     *     transaction's id.
     */
    String messageId();

    /**
     * @return the receipt of the half message: the broker and queue it will be delivered to.
     */
    SendReceipt receipt();

    /**
     * Delivers the message. Idempotent: committing a committed transaction again answers as the first commit did and
     * never delivers twice.
     *
     * @throws RockletException with INVALID_ARGUMENT when the broker rolled the transaction back (its rollback, or
     *                          its check-back reached the maximum number of checks) or does not know it; the
     *                          broker's error (retriable when trying again may help) when it cannot be asked.
     */
    void commit();

    /**
     * Drops the message. Idempotent as {@link #commit()}.
     *
     * @throws RockletException with INVALID_ARGUMENT when the transaction was committed already or the broker does
     *                          not know it; the broker's error when it cannot be asked.
     */
    void rollback();
}

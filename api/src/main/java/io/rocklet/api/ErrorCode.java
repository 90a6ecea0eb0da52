package io.rocklet.api;

/**
 * What went wrong, in terms a caller (or a remote peer) can act on. Every {@link RockletException}
 * carries one; each code states whether retrying the same request may succeed.
 */
public enum ErrorCode
{
    /** A request field is missing, malformed or out of range. */
    INVALID_ARGUMENT(false),
    /** A topic name breaks the naming rules or names a reserved topic. */
    ILLEGAL_TOPIC(false),
    /** A message body is larger than the configured maximum. */
    MESSAGE_TOO_LARGE(false),
    /** The encoded user properties, tag or keys of a message are larger than allowed. */
    PROPERTIES_TOO_LARGE(false),
    /** The component was closed; it will not accept requests again. */
    CLOSED(false),
    /** A flush or write failed; the store refuses writes until it is reopened. Reads go on. */
    STORE_FENCED(false),
    /** The volume holding the store is too full to accept writes; retrying later may succeed. */
    DISK_FULL(true),
    /** Another store already owns the data directory. */
    DIRECTORY_LOCKED(false),
    /** A durable-write wait (SYNC flush) did not complete in time; the write may or may not be durable. */
    FLUSH_TIMEOUT(true),
    /** The JVM lacks a required setting (for example the Chronicle {@code --add-opens} flags). */
    ENVIRONMENT(false),
    /**
     * The store's files are damaged in a way it will not repair on its own (the repair would lose
     * acknowledged data); the message names the file, the offset and the explicit repair option.
     */
    STORE_DAMAGED(false),
    /** An I/O operation failed. */
    IO_ERROR(false),
    /** The component is overloaded; back off and retry. */
    BUSY(true),
    /** The topic does not exist (and was not created automatically). */
    TOPIC_NOT_FOUND(false),
    /** No router knows a broker that serves the topic, or no router could be reached; it may appear later. */
    NO_ROUTE(true),
    /** A broker could not be reached or did not answer; another broker may. */
    BROKER_UNAVAILABLE(true),
    /** A request did not complete within its deadline. */
    TIMEOUT(true),
    /**
     * The topic or queue does not allow this operation (read-only, write-only, reserved), or the caller's policies do
     * not allow it (the message names the action and the resource).
     */
    PERMISSION_DENIED(false),
    /**
     * The caller could not be authenticated: no credentials, an unknown access key, a bad or replayed signature, or a
     * timestamp outside the allowed clock skew (the message says which).
     */
    UNAUTHENTICATED(false),
    /** The consumer group is not known where it was asked for. */
    GROUP_NOT_FOUND(false),
    /** No broker holds a message with the id asked for (never stored, or deleted by retention). */
    MESSAGE_NOT_FOUND(false),
    /**
     * A failover controller that is not the Raft leader was asked to decide; {@link NotLeaderException} names the
     * leader when it is known. Ask the leader (the {@code ControllerClient} does).
     */
    NOT_LEADER(true),
    /** The controllers cannot reach a majority of their group, so nothing can be decided now; retry later. */
    NO_QUORUM(true),
    /** A request carried an epoch older than the replica set's current one (a deposed master): it is refused. */
    STALE_EPOCH(false),
    /** The failover controller knows no such replica set, or no such replica in it (register it first). */
    REPLICA_SET_NOT_FOUND(false),
    /** A write went to a replica that is not its set's master (a slave); the message names the master. */
    NOT_MASTER(true),
    /**
     * SYNC replication: too few replicas are in sync to acknowledge a send (the message was not stored); the message
     * names the counts. Retrying later, or on another replica set, may succeed.
     */
    NOT_ENOUGH_REPLICAS(true),
    /**
     * SYNC replication: the message was stored on the master but not acknowledged by enough replicas in time; a retry
     * may store it twice.
     */
    REPLICATION_TIMEOUT(true),
    /**
     * Two brokers cannot replicate: another replica set or cluster, a second master of one set, a slave ahead of its
     * master or with a diverging epoch history, different segment sizes. The message says which.
     */
    REPLICA_MISMATCH(false),
    /** An unexpected failure inside a component; the message says what. */
    INTERNAL_ERROR(false);

    private final boolean retriable;

    ErrorCode(final boolean retriable)
    {
        this.retriable = retriable;
    }

    /**
     * @return true when the same request may succeed if sent again later.
     */
    public boolean retriable()
    {
        return retriable;
    }
}

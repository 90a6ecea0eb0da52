package io.rocklet.store;

import io.rocklet.store.internal.DefaultMessageStore;

/**
 * Opens message stores.
 */
public final class MessageStores
{
    private MessageStores()
    {
    }

    /**
     * Opens the store described by {@code config}, creating it or recovering it after a crash.
     *
     * @throws io.rocklet.api.StorageException with {@code DIRECTORY_LOCKED} when another store owns the directory.
     * @throws io.rocklet.api.RockletException with {@code ENVIRONMENT} when the JVM lacks the Chronicle flags.
     */
    public static MessageStore open(final StoreConfig config)
    {
        return DefaultMessageStore.open(config, null);
    }

    /**
     * Opens the store described by {@code config} with its agents (dispatcher, housekeeper) on {@code host}, whose
     * threading mode then replaces {@link StoreConfig#threadingMode()}; closing the store takes them off the host.
     *
     * @param host the host that runs the agents (a broker's or an embedded instance's), or null for a host of the
     *             store's own.
     * @throws io.rocklet.api.StorageException with {@code DIRECTORY_LOCKED} when another store owns the directory.
     * @throws io.rocklet.api.RockletException with {@code ENVIRONMENT} when the JVM lacks the Chronicle flags.
     */
    public static MessageStore open(final StoreConfig config, final io.rocklet.api.agent.AgentHost host)
    {
        return DefaultMessageStore.open(config, host);
    }

    /**
     * Cuts the log of the (closed) store in {@code config}'s directory at {@code logOffset}, a record boundary: the bytes
     * after it are copied to {@code quarantine/} first, epoch entries starting at or after it are dropped, and the next
     * open rolls the consume queues, key index and checkpoint back to the log (recovery's rebuild, as after a crash).
     * For a replica whose tail diverged from its new master.
     *
     * @return the quarantine file holding the cut bytes, or null when the log already ended there.
     * @throws io.rocklet.api.InvalidArgumentException when the offset is outside the log or inside a record.
     * @throws io.rocklet.api.StorageException         with {@code DIRECTORY_LOCKED} while a store is open on it.
     */
    public static java.nio.file.Path truncate(final StoreConfig config, final long logOffset)
    {
        return io.rocklet.store.internal.StoreTruncation.truncate(config, logOffset);
    }

    /**
     * Makes the (closed) store in {@code config}'s directory, which holds no record yet, start its log at
     * {@code logOffset} (a segment boundary): for a new replica whose master's retention already deleted the log before
     * that offset. The replica then appends the master's bytes from there; its queues start at the queue offsets the
     * first records carry.
     *
     * @throws io.rocklet.api.InvalidArgumentException when the store holds records, or the offset is not a positive
     *                                                 multiple of the segment size.
     * @throws io.rocklet.api.StorageException         with {@code DIRECTORY_LOCKED} while a store is open on it.
     */
    public static void seed(final StoreConfig config, final long logOffset)
    {
        io.rocklet.store.internal.StoreSeeding.seed(config, logOffset);
    }

    /**
     * @return a new ephemeral store with default settings (temporary directory, deleted on close).
     */
    public static MessageStore ephemeral()
    {
        return open(StoreConfig.ephemeralBuilder().build());
    }
}

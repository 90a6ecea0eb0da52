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
        return DefaultMessageStore.open(config);
    }

    /**
     * @return a new ephemeral store with default settings (temporary directory, deleted on close).
     */
    public static MessageStore ephemeral()
    {
        return open(StoreConfig.ephemeralBuilder().build());
    }
}

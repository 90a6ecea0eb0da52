package io.rocklet.store.internal.recovery;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.internal.file.DirectorySync;
import io.rocklet.store.StoreConfig;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The settings a data directory's files were laid out with, and the store's tag (part of every
 * message id). Written once when the store is created; reopening with a different layout is refused.
 *
 * @param storeTag                   random tag, part of message ids.
 * @param segmentSizeBytes           commit-log segment size.
 * @param consumeQueueEntriesPerFile consume-queue entries per file.
 * @param indexSlotsPerFile          key-index slots per file.
 * @param indexEntriesPerFile        key-index entries per file.
 */
public record StoreMeta(int storeTag, int segmentSizeBytes, int consumeQueueEntriesPerFile, int indexSlotsPerFile,
    int indexEntriesPerFile)
{
    public static final String FILE = "store.meta";
    private static final int FORMAT_VERSION = 1;

    /**
     * Reads the meta file, or writes one for a new store; checks the layout against {@code config}.
     *
     * @throws StorageException when the directory was laid out with other settings.
     */
    public static StoreMeta loadOrCreate(final Path directory, final StoreConfig config)
    {
        final Path file = directory.resolve(FILE);
        final StoreMeta wanted = new StoreMeta(ThreadLocalRandom.current().nextInt(), config.segmentSizeBytes(),
            config.consumeQueueEntriesPerFile(), config.indexSlotsPerFile(), config.indexEntriesPerFile());
        try
        {
            if (!Files.exists(file))
            {
                wanted.write(file, config.fsync());
                return wanted;
            }
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
            {
                properties.load(reader);
            }
            final StoreMeta found = new StoreMeta(
                Integer.parseUnsignedInt(properties.getProperty("storeTag"), 16),
                Integer.parseInt(properties.getProperty("segmentSizeBytes")),
                Integer.parseInt(properties.getProperty("consumeQueueEntriesPerFile")),
                Integer.parseInt(properties.getProperty("indexSlotsPerFile")),
                Integer.parseInt(properties.getProperty("indexEntriesPerFile")));
            checkSame("segmentSizeBytes", found.segmentSizeBytes, wanted.segmentSizeBytes, directory);
            checkSame("consumeQueueEntriesPerFile", found.consumeQueueEntriesPerFile, wanted.consumeQueueEntriesPerFile,
                directory);
            checkSame("indexSlotsPerFile", found.indexSlotsPerFile, wanted.indexSlotsPerFile, directory);
            checkSame("indexEntriesPerFile", found.indexEntriesPerFile, wanted.indexEntriesPerFile, directory);
            return found;
        }
        catch (final IOException | RuntimeException e)
        {
            if (e instanceof StorageException se)
            {
                throw se;
            }
            throw new StorageException(ErrorCode.IO_ERROR, "cannot read store meta: file=" + file, e);
        }
    }

    private void write(final Path file, final boolean fsync) throws IOException
    {
        final Properties properties = new Properties();
        properties.setProperty("formatVersion", Integer.toString(FORMAT_VERSION));
        properties.setProperty("storeTag", Integer.toHexString(storeTag));
        properties.setProperty("segmentSizeBytes", Integer.toString(segmentSizeBytes));
        properties.setProperty("consumeQueueEntriesPerFile", Integer.toString(consumeQueueEntriesPerFile));
        properties.setProperty("indexSlotsPerFile", Integer.toString(indexSlotsPerFile));
        properties.setProperty("indexEntriesPerFile", Integer.toString(indexEntriesPerFile));
        final Path temp = file.resolveSibling(FILE + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8))
        {
            properties.store(writer, "Rocklet store layout; do not edit");
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        if (fsync)
        {
            DirectorySync.sync(file.getParent());
        }
    }

    private static void checkSame(final String name, final int found, final int configured, final Path directory)
    {
        if (found != configured)
        {
            throw new StorageException(ErrorCode.INVALID_ARGUMENT, "store layout differs from the config: dir=" +
                directory + ", " + name + " on disk=" + found + ", configured=" + configured +
                "; configure the value on disk or use another directory");
        }
    }
}

package io.rocklet.store.internal.recovery;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class StoreMetaTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepTheStoreTagWhenReopened()
    {
        final StoreConfig config = TestStores.small(dir).build();

        final StoreMeta created = StoreMeta.loadOrCreate(dir, config);
        final StoreMeta loaded = StoreMeta.loadOrCreate(dir, config);

        assertEquals(created, loaded);
        assertEquals(config.segmentSizeBytes(), loaded.segmentSizeBytes());
        assertFalse(Files.exists(dir.resolve(StoreMeta.FILE + ".tmp")), "the temporary file was renamed");
    }

    @Test
    void shouldRefuseWithAClearMessageWhenTheLayoutDiffers()
    {
        StoreMeta.loadOrCreate(dir, TestStores.small(dir).build());

        final StorageException e = assertThrows(StorageException.class,
            () -> StoreMeta.loadOrCreate(dir, TestStores.small(dir).segmentSizeBytes(128 * 1024).build()));

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        assertTrue(e.getMessage().contains("segmentSizeBytes on disk=65536") &&
            e.getMessage().contains("configured=131072") && e.getMessage().contains(dir.toString()), e.getMessage());
        for (final StoreConfig other : new StoreConfig[] {
            TestStores.small(dir).consumeQueueEntriesPerFile(32).build(),
            TestStores.small(dir).indexSlotsPerFile(128).build(),
            TestStores.small(dir).indexEntriesPerFile(128).build()})
        {
            assertThrows(StorageException.class, () -> StoreMeta.loadOrCreate(dir, other), other.toString());
        }
    }

    @Test
    void shouldRefuseStoreAndReleaseTheDirectoryWhenTheLayoutDiffers()
    {
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            TestStores.append(store, "orders", 0, "m0");
        }

        final StorageException e = assertThrows(StorageException.class,
            () -> MessageStores.open(TestStores.small(dir).consumeQueueEntriesPerFile(32).build()));

        assertTrue(e.getMessage().contains("consumeQueueEntriesPerFile on disk=16"), e.getMessage());
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertTrue(store.recoveryReport().cleanShutdown(), "the refused open changed nothing");
            assertEquals(1, store.maxOffset("orders", 0));
        }
    }

    @Test
    void shouldFailWithIoErrorWhenTheMetaFileIsUnreadable() throws IOException
    {
        StoreMeta.loadOrCreate(dir, TestStores.small(dir).build());
        Files.writeString(dir.resolve(StoreMeta.FILE), "storeTag=zz\n");

        final StorageException e = assertThrows(StorageException.class,
            () -> StoreMeta.loadOrCreate(dir, TestStores.small(dir).build()));

        assertEquals(ErrorCode.IO_ERROR, e.errorCode());
        assertTrue(e.getMessage().contains(StoreMeta.FILE), e.getMessage());
    }

    @Test
    void shouldFailWithIoErrorWhenTheMetaFileWasTruncated() throws IOException
    {
        StoreMeta.loadOrCreate(dir, TestStores.small(dir).build());
        final byte[] bytes = Files.readAllBytes(dir.resolve(StoreMeta.FILE));
        Files.write(dir.resolve(StoreMeta.FILE), java.util.Arrays.copyOf(bytes, bytes.length / 3));

        final StorageException e = assertThrows(StorageException.class,
            () -> StoreMeta.loadOrCreate(dir, TestStores.small(dir).build()));

        assertEquals(ErrorCode.IO_ERROR, e.errorCode(), e.getMessage());
    }
}

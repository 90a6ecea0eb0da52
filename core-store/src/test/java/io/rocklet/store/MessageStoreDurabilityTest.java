package io.rocklet.store;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.api.TagFilter;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.rocklet.store.TestStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Flush modes and fencing, through the public API.
 */
class MessageStoreDurabilityTest
{
    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldReturnFromSyncAppendOnlyOnceItsBytesAreFlushed()
    {
        clock.update(START_MS);
        try (MessageStore store = MessageStores.open(small(dir).fsync(true).flushMode(FlushMode.SYNC).clock(clock)
            .build()))
        {
            for (int i = 0; i < 20; i++)
            {
                final AppendResult result = append(store, "orders", i % 2, "m" + i);
                final long end = result.logOffset() + result.recordBytes();

                assertTrue(store.stats().flushedPosition() >= end, "append " + i + " returned before its flush: " +
                    store.stats() + ", end=" + end);
            }
        }
    }

    @Test
    void shouldFlushAsynchronouslyWhenTheIntervalAndDirtyThresholdsAreMet()
    {
        clock.update(START_MS);
        try (MessageStore store = MessageStores.open(small(dir).fsync(true).flushMode(FlushMode.ASYNC).clock(clock)
            .flushInterval(Duration.ofMillis(500)).flushMinDirtyPages(4).flushThoroughInterval(Duration.ofSeconds(10))
            .build()))
        {
            final AppendResult result = append(store, "orders", 0, "m0");
            final long end = result.logOffset() + result.recordBytes();
            drain(store);
            assertTrue(store.stats().flushedPosition() < end, "ASYNC append returns before a flush");

            clock.advance(500);
            drain(store);
            assertTrue(store.stats().flushedPosition() < end, "less than 4 dirty pages and no thorough flush due");

            clock.advance(10_000);
            drain(store);
            assertEquals(end, store.stats().flushedPosition(), "the thorough interval forces a flush");
        }
    }

    @Test
    void shouldFenceWritesNamingTheCauseButKeepServingReadsWhenACheckpointFails() throws IOException
    {
        clock.update(START_MS);
        final StoreConfig config = small(dir).clock(clock).checkpointInterval(Duration.ofSeconds(1)).build();
        try (MessageStore store = MessageStores.open(config))
        {
            append(store, "orders", 0, "m0");
            drain(store);
            Files.createDirectory(dir.resolve("checkpoint.tmp")); // the next checkpoint cannot be written

            clock.advance(1000);
            drain(store);

            assertTrue(store.stats().fenced(), store.stats().toString());
            final StorageException e = assertThrows(StorageException.class, () -> append(store, "orders", 0, "m1"));
            assertEquals(ErrorCode.STORE_FENCED, e.errorCode());
            assertFalse(e.retriable(), "fenced until reopened");
            assertTrue(e.getMessage().contains("cannot write checkpoint"), "names the cause: " + e.getMessage());
            assertEquals(1, readAll(store, "orders", 0, 0).size(), "reads go on");
            assertEquals(1, store.maxOffset("orders", 0));
        }
        Files.delete(dir.resolve("checkpoint.tmp"));

        try (MessageStore store = MessageStores.open(config))
        {
            assertFalse(store.recoveryReport().cleanShutdown(), "a fenced store does not close cleanly");
            assertEquals(1, store.maxOffset("orders", 0), "nothing acknowledged was lost");
            assertEquals(1, append(store, "orders", 0, "m1").queueOffset(), "reopened, the store takes writes");
        }
    }

    @Test
    void shouldFenceWritesButKeepServingOtherQueuesWhenDispatchFails() throws IOException
    {
        final StoreConfig config = small(dir).build();
        try (MessageStore store = MessageStores.open(config))
        {
            append(store, "orders", 0, "m0");
            drain(store);
            Files.createFile(dir.resolve("consumequeue/orders/1")); // where queue 1's directory must go

            append(store, "orders", 1, "cannot be dispatched");
            drain(store);

            assertTrue(store.stats().fenced(), store.stats().toString());
            final StorageException e = assertThrows(StorageException.class, () -> append(store, "orders", 0, "m1"));
            assertEquals(ErrorCode.STORE_FENCED, e.errorCode());
            assertTrue(e.getMessage().contains("consumequeue"), "names the cause: " + e.getMessage());
            assertEquals(ReadStatus.FOUND, store.read("orders", 0, 0, 10, 1 << 20, TagFilter.ALL).status(),
                "reads of healthy queues go on");
        }
        Files.delete(dir.resolve("consumequeue/orders/1"));

        try (MessageStore store = MessageStores.open(config))
        {
            assertEquals(1, store.maxOffset("orders", 1), "the undispatched message is recovered from the log");
            assertEquals("cannot be dispatched", text(readAll(store, "orders", 1, 0).get(0)));
        }
    }
}

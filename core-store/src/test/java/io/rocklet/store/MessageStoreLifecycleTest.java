package io.rocklet.store;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.StorageException;
import io.rocklet.api.TagFilter;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.rocklet.store.TestStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Opening, closing, directory ownership, threading modes and back-pressure.
 */
@Timeout(120)
class MessageStoreLifecycleTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRemoveDirectoryWhenEphemeralStoreCloses()
    {
        final Path directory = dir.resolve("ephemeral");
        final MessageStore store = MessageStores.open(StoreConfig.ephemeralBuilder().directory(directory)
            .threadingMode(ThreadingMode.INVOKER).build());
        append(store, "orders", 0, "m0");
        drain(store);
        assertTrue(Files.isDirectory(directory.resolve("commitlog")), "the store writes into its directory");

        store.close();

        assertFalse(Files.exists(directory), "ephemeral directory removed on close");
    }

    @Test
    void shouldWorkWhenEphemeralStoreUsesDefaults()
    {
        try (MessageStore store = MessageStores.ephemeral())
        {
            append(store, "orders", 0, "m0");

            assertEquals(ThreadingMode.DEDICATED, StoreConfig.ephemeralBuilder().build().threadingMode());
            assertEquals("m0", text(awaitRead(store, "orders", 0, 1).get(0)));
        }
    }

    @Test
    void shouldDoNothingWhenClosedTwice()
    {
        final MessageStore store = MessageStores.open(small(dir).build());
        append(store, "orders", 0, "m0");
        store.close();

        assertDoesNotThrow(store::close);

        try (MessageStore reopened = MessageStores.open(small(dir).build()))
        {
            assertTrue(reopened.recoveryReport().cleanShutdown(), reopened.recoveryReport().toString());
            assertEquals(1, reopened.maxOffset("orders", 0), "close dispatched what the agents had not");
        }
    }

    @Test
    void shouldRefuseSecondStoreWhenDirectoryIsOpenInThisJvm()
    {
        try (MessageStore first = MessageStores.open(small(dir).build()))
        {
            final StorageException e = assertThrows(StorageException.class,
                () -> MessageStores.open(small(dir).build()));

            assertEquals(ErrorCode.DIRECTORY_LOCKED, e.errorCode());
            assertFalse(e.retriable(), "locked is not retriable");
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            append(first, "orders", 0, "still mine");
            drain(first);
            assertEquals(1, first.maxOffset("orders", 0), "the owner is unaffected");
        }
        try (MessageStore second = MessageStores.open(small(dir).build()))
        {
            assertEquals(1, second.maxOffset("orders", 0), "the directory is free once its owner closed");
        }
    }

    @Test
    void shouldRefuseStoreInAnotherProcessWhenDirectoryIsOpen() throws Exception
    {
        try (MessageStore owner = MessageStores.open(small(dir).build()))
        {
            append(owner, "orders", 0, "m0");

            final String output = ChildJvm.openStore(dir, true);

            assertTrue(output.contains("ERROR DIRECTORY_LOCKED"), output);
            assertTrue(output.contains("in use by another process"), output);
        }
        final String output = ChildJvm.openStore(dir, true);
        assertTrue(output.contains("OPENED"), "the lock dies with its owner: " + output);
    }

    @Test
    void shouldDispatchWhenThreadingModeIsShared() throws InterruptedException
    {
        assertDispatchedByAgentThreads(ThreadingMode.SHARED);
    }

    @Test
    void shouldDispatchWhenThreadingModeIsDedicated() throws InterruptedException
    {
        assertDispatchedByAgentThreads(ThreadingMode.DEDICATED);
    }

    @Test
    void shouldKeepDispatchingWhenTheArrivalListenerThrows()
    {
        final StoreConfig config = small(dir).arrivalListener((topic, queueId, maxOffset) ->
        {
            throw new IllegalStateException("listener bug");
        }).build();
        try (MessageStore store = MessageStores.open(config))
        {
            append(store, "orders", 0, "m0");
            drain(store);
            append(store, "orders", 0, "m1");
            drain(store);

            assertEquals(2, store.maxOffset("orders", 0));
            assertFalse(store.stats().fenced(), "a listener failure is the listener's problem");
        }
    }

    @Test
    void shouldAnswerBusyWhenDispatcherFallsBehindAndRecoverAfterDoWork()
    {
        final AtomicLong nanos = new AtomicLong();
        final NanoClock clock = () -> nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        final StoreConfig config = small(dir).dispatchRingBytes(4096).busyTimeout(Duration.ofMillis(20))
            .nanoClock(clock).build();
        try (MessageStore store = MessageStores.open(config))
        {
            int accepted = 0;
            RockletException busy = null;
            while (busy == null && accepted < 1_000)
            {
                try
                {
                    append(store, "orders", 0, "m" + accepted);
                    accepted++;
                }
                catch (final RockletException e)
                {
                    busy = e;
                }
            }

            assertNotNull(busy, "a full ring must end in BUSY, accepted=" + accepted);
            assertEquals(ErrorCode.BUSY, busy.errorCode(), busy.getMessage());
            assertTrue(busy.retriable(), "BUSY is retriable");
            assertTrue(busy.getMessage().contains("ringCapacityBytes=4096"), busy.getMessage());
            assertTrue(accepted > 10, "the ring took some events first: accepted=" + accepted);
            final RockletException newQueue = assertThrows(RockletException.class,
                () -> append(store, "orders", 9, "x"));
            assertEquals(ErrorCode.BUSY, newQueue.errorCode());

            drain(store);
            for (int i = accepted; i < accepted + 5; i++)
            {
                assertEquals(i, append(store, "orders", 0, "m" + i).queueOffset(), "dense offsets after BUSY");
            }
            drain(store);

            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < accepted + 5; i++)
            {
                expected.add("m" + i);
            }
            assertEquals(expected, MessageStoreReadTest.bodies(readAll(store, "orders", 0, 0)), "nothing lost");
            assertEquals(List.of(0), store.queueIds("orders"), "the refused append to queue 9 left no queue");
        }
    }

    private void assertDispatchedByAgentThreads(final ThreadingMode mode) throws InterruptedException
    {
        final int count = 50;
        final CountDownLatch arrived = new CountDownLatch(1);
        final StoreConfig config = small(dir).threadingMode(mode).arrivalListener((topic, queueId, maxOffset) ->
        {
            if (maxOffset == count)
            {
                arrived.countDown();
            }
        }).build();
        try (MessageStore store = MessageStores.open(config))
        {
            for (int i = 0; i < count; i++)
            {
                append(store, "orders", 0, "m" + i);
            }

            assertTrue(arrived.await(30, TimeUnit.SECONDS), "the arrival listener saw every message, mode=" + mode);
            assertEquals(count, readAll(store, "orders", 0, 0).size());
        }
    }

    private static List<StoredMessage> awaitRead(final MessageStore store, final String topic, final int queueId,
        final int count)
    {
        while (store.maxOffset(topic, queueId) < count)
        {
            Thread.yield();
        }
        return store.read(topic, queueId, 0, count, Integer.MAX_VALUE, TagFilter.ALL).messages();
    }
}

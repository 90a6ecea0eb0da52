package io.rocklet.store;

import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.TagFilter;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.store.internal.file.FileNames;
import io.rocklet.store.internal.queue.TopicTable;
import io.rocklet.store.internal.recovery.Checkpoint;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static io.rocklet.store.TestStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link MessageStore#deleteTopic}: the queues restart empty at 0 once the dispatcher has reset them, and the
 * records stored before the delete are found no more - by read, key or id - also after a clean reopen and after
 * the consume queues are rebuilt from the log.
 */
class DeleteTopicStoreTest
{
    private static final long START_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldRestartTheQueuesEmptyAndHideOldRecordsWhenTheTopicIsDeleted()
    {
        try (MessageStore store = open())
        {
            final List<String> oldIds = appendOld(store);
            append(store, "other", 0, "kept");
            drain(store);

            final CompletableFuture<Void> deleted = store.deleteTopic("orders");
            assertFalse(deleted.isDone(), "the dispatcher resets the queues");
            drain(store);
            assertTrue(deleted.isDone());

            assertNothingOld(store, oldIds);
            assertEquals(1, store.maxOffset("other", 0), "other topics keep their messages");
            final AppendResult fresh = store.append(AppendRequest.of(keyed("new", UniqueMessageIds.next(START_MS)), 1));
            drain(store);
            assertEquals(0, fresh.queueOffset());
            assertEquals(List.of("new"), readAll(store, "orders", 1, 0).stream().map(TestStores::text).toList());
            assertEquals(List.of("new"), store.messagesByKey("orders", "k", 0, Long.MAX_VALUE, 10).stream()
                .map(TestStores::text).toList());
        }
    }

    @Test
    void shouldHideOldRecordsAfterReopenAndWhenQueuesAreRebuiltFromTheLog() throws IOException
    {
        final List<String> oldIds;
        try (MessageStore store = open())
        {
            oldIds = appendOld(store);
            drain(store);
            store.deleteTopic("orders");
            drain(store);
        }
        try (MessageStore store = open())
        {
            assertNothingOld(store, oldIds);
        }
        // a crash that lost the queues and the checkpoint: everything is dispatched again from the log
        FileNames.deleteTree(dir.resolve(TopicTable.DIRECTORY));
        Files.delete(dir.resolve(Checkpoint.FILE));
        Files.write(dir.resolve("abort"), new byte[0]);
        try (MessageStore store = open())
        {
            assertTrue(store.recoveryReport().recordsScanned() >= 3, store.recoveryReport().toString());
            assertNothingOld(store, oldIds);
            assertEquals(0, store.append(AppendRequest.of(keyed("new", UniqueMessageIds.next(START_MS)), 0))
                .queueOffset());
        }
    }

    @Test
    void shouldHideOldRecordsWhenTheStoreStoppedBeforeTheDispatcherResetTheQueues(@TempDir final Path copy)
        throws IOException
    {
        final List<String> oldIds;
        try (MessageStore store = open())
        {
            oldIds = appendOld(store);
            drain(store);
        }
        try (MessageStore store = open()) // the checkpoint vouches for the old queue entries
        {
            assertFalse(store.deleteTopic("orders").isDone());
            store.append(AppendRequest.of(keyed("new", UniqueMessageIds.next(START_MS)), 0));
            copyTree(dir, copy); // what a crash now leaves: the watermark written, the queues not reset
        }
        try (MessageStore store = MessageStores.open(small(copy).clock(clock).build()))
        {
            assertFalse(store.recoveryReport().cleanShutdown());
            assertTrue(store.recoveryReport().checkpointPosition() > 0, store.recoveryReport().toString());
            assertEquals(List.of("new"), readAll(store, "orders", 0, 0).stream().map(TestStores::text).toList());
            assertEquals(0, store.maxOffset("orders", 1));
            assertEquals(List.of("new"), store.messagesByKey("orders", "k", 0, Long.MAX_VALUE, 10).stream()
                .map(TestStores::text).toList());
            for (final String id : oldIds)
            {
                assertEquals(List.of(), store.messagesById(id), "id=" + id);
            }
        }
    }

    @Test
    void shouldCompleteAtOnceWhenTheStoreNeverHeldTheTopic()
    {
        try (MessageStore store = open())
        {
            assertTrue(store.deleteTopic("never").isDone());
        }
    }

    private static void copyTree(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> paths = Files.walk(from))
        {
            for (final Path path : paths.toList())
            {
                final Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private MessageStore open()
    {
        clock.update(START_MS);
        return MessageStores.open(small(dir).clock(clock).build());
    }

    /** Appends three keyed messages with unique ids to orders:0 and orders:1. */
    private static List<String> appendOld(final MessageStore store)
    {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final String uniqueId = UniqueMessageIds.next(START_MS);
            final AppendResult result = store.append(AppendRequest.of(keyed("old-" + i, uniqueId), i % 2));
            ids.add(uniqueId);
            ids.add(result.messageId());
        }
        return ids;
    }

    private static void assertNothingOld(final MessageStore store, final List<String> oldIds)
    {
        for (int queueId = 0; queueId < 2; queueId++)
        {
            assertEquals(0, store.maxOffset("orders", queueId), "queue " + queueId);
            assertEquals(0, store.read("orders", queueId, 0, 10, Integer.MAX_VALUE, TagFilter.ALL).messages()
                .size(), "queue " + queueId);
        }
        assertEquals(List.of(), store.messagesByKey("orders", "k", 0, Long.MAX_VALUE, 10));
        for (final String id : oldIds)
        {
            assertEquals(List.of(), store.messagesById(id), "id=" + id);
        }
    }

    private static Message keyed(final String body, final String uniqueId)
    {
        return Message.builder("orders").key("k").property(SystemProperties.UNIQUE_ID, uniqueId).body(body).build();
    }
}

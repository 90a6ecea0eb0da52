package io.rocklet.store;

import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.store.internal.index.KeyIndex;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.rocklet.store.TestStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Lookups by unique message id ({@link UniqueMessageIds}, the property {@link SystemProperties#UNIQUE_ID}) through
 * the key index: every stored copy, oldest first; the offset id still names one copy; the index entries survive a
 * restart and are rebuilt from the log when the index files are lost.
 */
class UniqueIdLookupTest
{
    private static final long START_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldFindEveryCopyOfAMessageOldestFirstWhenLookedUpByItsUniqueId()
    {
        final String id = UniqueMessageIds.next(START_MS);
        try (MessageStore store = open())
        {
            final AppendResult sent = append(store, withId("orders", "first", id), 0);
            append(store, withId("orders", "other", UniqueMessageIds.next(START_MS)), 0);
            append(store, "orders", 0, "no id");
            final AppendResult retried = append(store, withId("%RETRY%g", "first", id), 0);
            drain(store);

            final List<StoredMessage> copies = store.messagesById(id);

            assertEquals(List.of(sent.logOffset(), retried.logOffset()),
                copies.stream().map(StoredMessage::logOffset).toList());
            assertEquals(List.of(id, id), copies.stream().map(StoredMessage::messageId).toList());
            assertEquals(sent.messageId(), copies.get(0).offsetMessageId(), "the append answers the offset id");
            assertEquals(sent.logOffset(), store.messageById(id).orElseThrow().logOffset(), "the oldest copy");
            assertEquals(List.of(retried.logOffset()), store.messagesById(retried.messageId()).stream()
                .map(StoredMessage::logOffset).toList(), "an offset id names one copy");
            assertEquals(List.of(), store.messagesById(UniqueMessageIds.next(START_MS)), "an id never stored");
        }
    }

    @Test
    void shouldAnswerTheOffsetIdAsMessageIdWhenARecordHasNoUniqueId()
    {
        try (MessageStore store = open())
        {
            final AppendResult plain = append(store, "orders", 0, "no id");
            drain(store);

            final StoredMessage found = store.messageById(plain.messageId()).orElseThrow();
            assertEquals(plain.messageId(), found.messageId());
            assertEquals(plain.messageId(), found.offsetMessageId());
        }
    }

    @Test
    void shouldFindAMessageByItsUniqueIdAfterReopen()
    {
        final String id = UniqueMessageIds.next(START_MS);
        try (MessageStore store = open())
        {
            append(store, withId("orders", "kept", id), 0);
            drain(store);
        }
        try (MessageStore store = open())
        {
            assertEquals("kept", text(store.messageById(id).orElseThrow()));
        }
    }

    @Test
    void shouldRebuildUniqueIdEntriesFromTheLogWhenTheIndexFilesAreLost() throws IOException
    {
        final String id = UniqueMessageIds.next(START_MS);
        try (MessageStore store = open())
        {
            append(store, "orders", 0, "before");
            append(store, withId("orders", "rebuilt", id), 0);
            drain(store);
        }
        try (Stream<Path> files = Files.list(dir.resolve(KeyIndex.DIRECTORY)))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
        try (MessageStore store = open())
        {
            assertEquals("rebuilt", text(store.messageById(id).orElseThrow()));
        }
    }

    private MessageStore open()
    {
        clock.update(START_MS);
        return MessageStores.open(small(dir).clock(clock).build());
    }

    private static Message withId(final String topic, final String body, final String id)
    {
        return Message.builder(topic).property(SystemProperties.UNIQUE_ID, id).body(body).build();
    }
}

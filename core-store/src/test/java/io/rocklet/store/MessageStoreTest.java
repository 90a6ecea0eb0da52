package io.rocklet.store;

import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

class MessageStoreTest
{
    @TempDir
    Path dir;

    private StoreConfig.Builder config()
    {
        return StoreConfig.builder(dir)
            .segmentSizeBytes(64 * 1024)
            .maxBodyBytes(16 * 1024)
            .consumeQueueEntriesPerFile(64)
            .indexSlotsPerFile(64)
            .indexEntriesPerFile(128)
            .threadingMode(ThreadingMode.INVOKER);
    }

    @Test
    void shouldReadBackAppendedMessagesInQueueOrder()
    {
        try (MessageStore store = MessageStores.open(config().build()))
        {
            for (int i = 0; i < 1000; i++)
            {
                final Message message = Message.builder("orders").tag(i % 2 == 0 ? "even" : "odd").key("k" + i)
                    .property("n", Integer.toString(i)).body("body-" + i).build();
                final AppendResult result = store.append(AppendRequest.of(message, i % 4));
                assertEquals(i / 4, result.queueOffset());
            }
            while (store.doWork() > 0)
            {
            }
            assertEquals(250, store.maxOffset("orders", 1));
            final ReadResult read = store.read("orders", 1, 0, 1000, Integer.MAX_VALUE, TagFilter.ALL);
            assertEquals(ReadStatus.FOUND, read.status());
            assertEquals(250, read.messages().size());
            for (int j = 0; j < 250; j++)
            {
                final StoredMessage m = read.messages().get(j);
                final int i = j * 4 + 1;
                assertEquals(j, m.queueOffset());
                assertEquals("body-" + i, new String(m.bodyBytes(), StandardCharsets.UTF_8));
                assertEquals("odd", m.tag());
                assertEquals(List.of("k" + i), m.keys());
                assertEquals(Integer.toString(i), m.properties().get("n"));
            }
            final List<StoredMessage> byKey = store.messagesByKey("orders", "k77", 0, Long.MAX_VALUE, 10);
            assertEquals(1, byKey.size());
            assertEquals("body-77", new String(byKey.get(0).bodyBytes(), StandardCharsets.UTF_8));
            final StoredMessage byId = store.messageById(byKey.get(0).messageId()).orElseThrow();
            assertEquals(byKey.get(0).logOffset(), byId.logOffset());
        }
        try (MessageStore store = MessageStores.open(config().build()))
        {
            assertTrue(store.recoveryReport().cleanShutdown());
            assertEquals(250, store.maxOffset("orders", 1));
            assertEquals(1, store.messagesByKey("orders", "k77", 0, Long.MAX_VALUE, 10).size());
            final AppendResult next = store.append(AppendRequest.of(Message.of("orders", new byte[10]), 1));
            assertEquals(250, next.queueOffset());
        }
    }

    @Test
    void shouldCompleteWhenReadableOnlyOnceEveryAcknowledgedAppendIsDispatched()
    {
        try (MessageStore store = MessageStores.open(config().build()))
        {
            assertTrue(store.whenReadable().isDone(), "nothing pending");
            for (int i = 0; i < 10; i++)
            {
                store.append(AppendRequest.of(Message.of("orders", new byte[10]), 0));
            }
            final CompletableFuture<Void> readable = store.whenReadable();
            assertFalse(readable.isDone(), "the dispatcher has not run");
            assertEquals(0, store.maxOffset("orders", 0));

            store.doWork();

            assertTrue(readable.isDone());
            assertEquals(10, store.maxOffset("orders", 0));
            store.append(AppendRequest.of(Message.of("orders", new byte[10]), 0));
            final CompletableFuture<Void> pendingAtClose = store.whenReadable();
            store.close();
            assertTrue(pendingAtClose.isDone(), "released when the store closes");
        }
    }
}

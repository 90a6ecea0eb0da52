package io.rocklet.store;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MessageStoreScanTest
{
    @TempDir
    Path dir;

    @Test
    void shouldVisitTheSameMessagesAsReadWithoutCopying()
    {
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            for (int i = 0; i < 100; i++)
            {
                store.append(AppendRequest.of(Message.builder("orders").tag(i % 2 == 0 ? "even" : "odd")
                    .key("k" + i).body("body-" + i).build(), 0));
            }
            TestStores.drain(store);
            final List<StoredMessage> read = TestStores.readAll(store, "orders", 0, 0);
            final List<String> bodies = new ArrayList<>();
            final List<Long> offsets = new ArrayList<>();
            final ScanResult result = store.scan("orders", 0, 0, 1000, Integer.MAX_VALUE, TagFilter.ALL, record ->
            {
                final byte[] body = new byte[record.bodySize()];
                record.copyBody(body, 0);
                bodies.add(new String(body, StandardCharsets.UTF_8));
                offsets.add(record.queueOffset());
                assertEquals(List.of("k" + record.queueOffset()), record.keys());
                assertEquals(read.get((int)record.queueOffset()).messageId(), record.messageId());
                return true;
            });
            assertEquals(new ScanResult(ReadStatus.FOUND, 100, 0, 100, 100), result);
            assertEquals(read.stream().map(TestStores::text).toList(), bodies);
            assertEquals(read.stream().map(StoredMessage::queueOffset).toList(), offsets);
        }
    }

    @Test
    void shouldResumeAfterTheLastVisitedMessageWhenTheVisitorStops()
    {
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            for (int i = 0; i < 10; i++)
            {
                TestStores.append(store, "orders", 0, "m" + i);
            }
            TestStores.drain(store);
            final ScanResult first = store.scan("orders", 0, 0, 10, Integer.MAX_VALUE, TagFilter.ALL,
                record -> record.queueOffset() < 3);
            assertEquals(ReadStatus.FOUND, first.status());
            assertEquals(4, first.visited(), "the message that said stop was visited");
            assertEquals(4, first.nextOffset());
            final List<StoredMessage> copies = new ArrayList<>();
            store.scan("orders", 0, first.nextOffset(), 1, Integer.MAX_VALUE, TagFilter.ALL,
                record -> copies.add(record.toMessage()));
            assertEquals("m4", TestStores.text(copies.get(0)), "a copy outlives the visit");
        }
    }

    @Test
    void shouldSkipMessagesTheFilterRejectsAndReportStatusesLikeRead()
    {
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            for (int i = 0; i < 6; i++)
            {
                store.append(AppendRequest.of(Message.builder("orders").tag(i < 3 ? "a" : "b").body("m" + i).build(),
                    0));
            }
            TestStores.drain(store);
            final List<Long> seen = new ArrayList<>();
            final ScanResult onlyB = store.scan("orders", 0, 0, 10, Integer.MAX_VALUE, TagFilter.parse("b"),
                record -> seen.add(record.queueOffset()));
            assertEquals(List.of(3L, 4L, 5L), seen);
            assertEquals(6, onlyB.nextOffset());
            assertEquals(ReadStatus.NO_MATCHED_MESSAGE,
                store.scan("orders", 0, 0, 10, Integer.MAX_VALUE, TagFilter.parse("c"), record -> true).status());
            assertEquals(ReadStatus.NO_NEW_MESSAGES,
                store.scan("orders", 0, 6, 10, Integer.MAX_VALUE, TagFilter.ALL, record -> true).status());
            assertEquals(ReadStatus.OFFSET_OVERFLOW,
                store.scan("orders", 0, 9, 10, Integer.MAX_VALUE, TagFilter.ALL, record -> true).status());
            assertEquals(ReadStatus.NO_SUCH_QUEUE,
                store.scan("orders", 7, 0, 10, Integer.MAX_VALUE, TagFilter.ALL, record -> true).status());
            assertThrows(InvalidArgumentException.class,
                () -> store.scan("orders", 0, 0, 10, Integer.MAX_VALUE, TagFilter.ALL, null));
        }
    }
}

package io.rocklet.store;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.rocklet.store.TestStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link MessageStore#appendBatch}: records next to each other in the batch's order, each a normal record (own queue
 * offset, CRC, consume-queue and index entries), one flush per SYNC batch, nothing stored for a refused batch.
 */
class MessageStoreBatchTest
{
    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldStoreEachRecordInOrderWithItsOwnOffsetsWhenBatchAppended()
    {
        clock.update(START_MS);
        try (MessageStore store = MessageStores.open(small(dir).clock(clock).verifyCrcOnRead(true).build()))
        {
            append(store, "orders", 1, "before");
            final List<AppendRequest> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                final String topic = i % 3 == 2 ? "payments" : "orders";
                batch.add(AppendRequest.of(Message.builder(topic).body("m" + i).keys("k" + i).tag("t" + i % 2).build(),
                    i % 2));
            }
            final AppendBatchReceipt receipt = new AppendBatchReceipt();

            final long first = store.appendBatch(batch, receipt);

            assertEquals(10, receipt.count());
            assertEquals(receipt.logOffset(0), first);
            for (int i = 1; i < 10; i++)
            {
                assertEquals(receipt.logOffset(i - 1) + receipt.recordBytes(i - 1), receipt.logOffset(i),
                    "records of a batch lie next to each other: index=" + i);
            }
            assertEquals(store.logEndOffset(), receipt.endOffset());
            drain(store);
            final long[][] next = {{0, 1}, {0, 0}}; // orders: queue 0 empty, queue 1 holds "before"; payments empty
            for (int i = 0; i < 10; i++)
            {
                final int topicIndex = i % 3 == 2 ? 1 : 0;
                final String topic = topicIndex == 1 ? "payments" : "orders";
                assertEquals(next[topicIndex][i % 2]++, receipt.queueOffset(i), "dense queue offsets: index=" + i);
                final ReadResult read = store.read(topic, i % 2, receipt.queueOffset(i), 1, 1 << 16, TagFilter.ALL);
                assertEquals(ReadStatus.FOUND, read.status(), read::toString);
                final StoredMessage stored = read.messages().get(0);
                assertEquals("m" + i, text(stored));
                assertEquals(receipt.logOffset(i), stored.logOffset());
                assertEquals(receipt.messageId(i), stored.offsetMessageId());
                assertEquals(receipt.logOffset(i), store.messagesByKey(topic, "k" + i, 0, Long.MAX_VALUE, 2).get(0)
                    .logOffset(), "found by key: index=" + i);
            }
            assertEquals(List.of("m0", "m4", "m6"), texts(readAll(store, "orders", 0, 0)));
            assertEquals(List.of("before", "m1", "m3", "m7", "m9"), texts(readAll(store, "orders", 1, 0)));
            assertEquals(List.of("m2", "m8"), texts(readAll(store, "payments", 0, 0)));
            assertEquals(List.of("m5"), texts(readAll(store, "payments", 1, 0)));
        }
    }

    @Test
    void shouldRollToTheNextSegmentBetweenRecordsWhenBatchExceedsTheSegmentRemainder()
    {
        clock.update(START_MS);
        final byte[] body = new byte[1000];
        final List<String> expected = new ArrayList<>();
        try (MessageStore store = MessageStores.open(small(dir).clock(clock).build()))
        {
            while (store.logEndOffset() < SEGMENT_BYTES - 4000)
            {
                expected.add("single" + expected.size());
                append(store, "orders", 0, expected.get(expected.size() - 1));
            }
            final List<AppendRequest> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                Arrays.fill(body, (byte)('a' + i));
                batch.add(AppendRequest.of(Message.builder("orders").body(body.clone()).build(), 0));
                expected.add(new String(body));
            }
            final AppendBatchReceipt receipt = new AppendBatchReceipt();

            store.appendBatch(batch, receipt);

            int rolled = -1;
            for (int i = 0; i < receipt.count(); i++)
            {
                final long start = receipt.logOffset(i);
                final long last = start + receipt.recordBytes(i) - 1;
                assertEquals(start / SEGMENT_BYTES, last / SEGMENT_BYTES, "a record never spans segments: index=" + i);
                if (start == SEGMENT_BYTES)
                {
                    rolled = i;
                }
                else if (i > 0)
                {
                    assertEquals(receipt.logOffset(i - 1) + receipt.recordBytes(i - 1), start, "index=" + i);
                }
            }
            assertTrue(rolled > 0, "the batch continues at the next segment's start: " + receipt);
            drain(store);
            assertEquals(expected, texts(readAll(store, "orders", 0, 0)));
        }
        try (MessageStore store = MessageStores.open(small(dir).clock(clock).build()))
        {
            assertEquals(expected, texts(readAll(store, "orders", 0, 0)), "the rolled batch after a reopen");
        }
    }

    @Test
    void shouldWaitForOneFlushWhenSyncBatchAppended()
    {
        clock.update(START_MS);
        try (MessageStore store = MessageStores.open(small(dir).fsync(true).flushMode(FlushMode.SYNC).clock(clock)
            .build()))
        {
            append(store, "orders", 0, "first");
            final long flushesBefore = store.stats().flushCount();
            final List<AppendRequest> batch = new ArrayList<>();
            for (int i = 0; i < 32; i++)
            {
                batch.add(AppendRequest.of(Message.builder("orders").body("m" + i).build(), i % 4));
            }
            final AppendBatchReceipt receipt = new AppendBatchReceipt();

            store.appendBatch(batch, receipt);

            assertTrue(store.stats().flushedPosition() >= receipt.endOffset(), () -> "returned before its flush: " +
                store.stats() + ", " + receipt);
            assertEquals(flushesBefore + 1, store.stats().flushCount(), () -> "one flush for the batch: " +
                store.stats());
        }
    }

    @Test
    void shouldStoreNothingAndNameTheRecordWhenABatchRecordIsRefused()
    {
        clock.update(START_MS);
        try (MessageStore store = MessageStores.open(small(dir).clock(clock).build()))
        {
            append(store, "orders", 0, "kept");
            final long end = store.logEndOffset();
            final List<AppendRequest> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                batch.add(AppendRequest.of(Message.builder(i == 0 ? "fresh" : "orders").body("m" + i).build(), 0));
            }
            batch.set(3, AppendRequest.of(Message.builder("orders").body(new byte[17 * 1024]).build(), 0));

            final InvalidArgumentException tooLarge = assertThrows(InvalidArgumentException.class,
                () -> store.appendBatch(batch, new AppendBatchReceipt()));

            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, tooLarge.errorCode());
            assertTrue(tooLarge.getMessage().contains("index=3") && tooLarge.getMessage().contains("bodyBytes=17408"),
                tooLarge::getMessage);
            batch.set(3, AppendRequest.of(Message.builder("orders").body("m3").property("p", "x".repeat(40_000))
                .build(), 0));
            final InvalidArgumentException properties = assertThrows(InvalidArgumentException.class,
                () -> store.appendBatch(batch));
            assertEquals(ErrorCode.PROPERTIES_TOO_LARGE, properties.errorCode());
            assertTrue(properties.getMessage().contains("index=3"), properties::getMessage);
            final InvalidArgumentException empty = assertThrows(InvalidArgumentException.class,
                () -> store.appendBatch(List.of()));
            assertTrue(empty.getMessage().contains("records=0"), empty::getMessage);

            assertEquals(end, store.logEndOffset(), "a refused batch writes nothing");
            assertFalse(store.topics().contains("fresh"), "a refused batch creates no topic: " + store.topics());
            assertEquals(1, append(store, "orders", 0, "next").queueOffset(), "no queue offset used up");
            drain(store);
            assertEquals(List.of("kept", "next"), texts(readAll(store, "orders", 0, 0)));
        }
    }

    private static List<String> texts(final List<StoredMessage> messages)
    {
        return messages.stream().map(TestStores::text).toList();
    }
}

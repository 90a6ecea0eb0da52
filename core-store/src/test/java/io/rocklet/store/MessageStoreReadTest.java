package io.rocklet.store;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.rocklet.store.TestStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Reads through the public API: limits, filters, statuses, offsets, lookups by time, key and id.
 */
class MessageStoreReadTest
{
    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final List<String> arrivals = new CopyOnWriteArrayList<>();
    private MessageStore store;

    @BeforeEach
    void open()
    {
        clock.update(START_MS);
        store = MessageStores.open(small(dir).clock(clock)
            .arrivalListener((topic, queueId, maxOffset) -> arrivals.add(topic + ":" + queueId + "@" + maxOffset))
            .build());
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void shouldReturnAtMostMaxCountMessagesWhenQueueHasMore()
    {
        appendBodies("orders", 0, 10);
        drain(store);

        final ReadResult result = store.read("orders", 0, 2, 3, Integer.MAX_VALUE, TagFilter.ALL);

        assertEquals(ReadStatus.FOUND, result.status());
        assertEquals(List.of("m2", "m3", "m4"), bodies(result.messages()));
        assertEquals(5, result.nextOffset(), "next offset after the last returned");
        assertEquals(0, result.minOffset());
        assertEquals(10, result.maxOffset());
    }

    @Test
    void shouldStopAtMaxBytesButReturnTheFirstMessageWhenItAloneIsLarger()
    {
        final int recordBytes = appendBodies("orders", 0, 5).get(0).recordBytes();
        drain(store);

        final ReadResult twoAndAHalf = store.read("orders", 0, 0, 100, recordBytes * 5 / 2, TagFilter.ALL);
        final ReadResult tiny = store.read("orders", 0, 0, 100, 1, TagFilter.ALL);

        assertEquals(List.of("m0", "m1"), bodies(twoAndAHalf.messages()), "two records fit in 2.5 records' bytes");
        assertEquals(2, twoAndAHalf.nextOffset());
        assertEquals(List.of("m0"), bodies(tiny.messages()), "the first message is returned whatever maxBytes says");
        assertEquals(1, tiny.nextOffset());
    }

    @Test
    void shouldSkipMessagesWhenTagFilterRejectsThem()
    {
        final String[] tags = {"A", "B", "C", ""};
        for (int i = 0; i < 8; i++)
        {
            append(store, Message.builder("orders").tag(tags[i % 4]).body("m" + i).build(), 0);
        }
        drain(store);

        final ReadResult aOrC = store.read("orders", 0, 0, 100, Integer.MAX_VALUE, TagFilter.parse("A || C"));
        final ReadResult none = store.read("orders", 0, 0, 100, Integer.MAX_VALUE, TagFilter.parse("Z"));

        assertEquals(ReadStatus.FOUND, aOrC.status());
        assertEquals(List.of("m0", "m2", "m4", "m6"), bodies(aOrC.messages()));
        assertEquals(8, aOrC.nextOffset(), "scanned to the end");
        assertEquals(ReadStatus.NO_MATCHED_MESSAGE, none.status());
        assertTrue(none.messages().isEmpty(), "no messages");
        assertEquals(8, none.nextOffset(), "the rejected entries are skipped");
    }

    @Test
    void shouldAnswerNoSuchQueueWhenTopicOrQueueIsUnknown()
    {
        appendBodies("orders", 0, 1);
        drain(store);

        final ReadResult unknownTopic = store.read("nothing", 0, 0, 10, 1024, TagFilter.ALL);
        final ReadResult unknownQueue = store.read("orders", 7, 0, 10, 1024, TagFilter.ALL);

        assertEquals(ReadStatus.NO_SUCH_QUEUE, unknownTopic.status());
        assertEquals(0, unknownTopic.nextOffset());
        assertEquals(ReadStatus.NO_SUCH_QUEUE, unknownQueue.status());
        assertEquals(0, store.minOffset("nothing", 0));
        assertEquals(0, store.maxOffset("nothing", 0));
        assertEquals(0, store.maxOffset("orders", 7));
    }

    @Test
    void shouldAnswerNoNewMessagesWhenOffsetIsTheMaximum()
    {
        appendBodies("orders", 0, 3);
        drain(store);

        final ReadResult result = store.read("orders", 0, 3, 10, 1024, TagFilter.ALL);

        assertEquals(ReadStatus.NO_NEW_MESSAGES, result.status());
        assertEquals(3, result.nextOffset());
        assertEquals(3, result.maxOffset());
        assertTrue(result.messages().isEmpty(), "no messages");
    }

    @Test
    void shouldAnswerOverflowWithTheMaximumAsNextOffsetWhenOffsetIsBeyondIt()
    {
        appendBodies("orders", 0, 3);
        drain(store);

        final ReadResult result = store.read("orders", 0, 42, 10, 1024, TagFilter.ALL);

        assertEquals(ReadStatus.OFFSET_OVERFLOW, result.status());
        assertEquals(3, result.nextOffset(), "a reader that ran ahead is sent back to the maximum");
    }

    @Test
    void shouldShowMessagesOnlyWhenDispatched()
    {
        final List<AppendResult> appended = appendBodies("orders", 0, 3);
        final long written = appended.get(2).logOffset() + appended.get(2).recordBytes();

        assertEquals(0, store.maxOffset("orders", 0), "nothing readable before the dispatcher ran");
        assertEquals(written, store.dispatchLagBytes(), "lag is everything appended");
        assertEquals(written, store.stats().dispatchLagBytes());
        assertEquals(Optional.empty(), store.messageById(appended.get(0).messageId()), "not yet dispatched");

        drain(store);

        assertEquals(3, store.maxOffset("orders", 0));
        assertEquals(0, store.dispatchLagBytes(), "lag after dispatch");
        final StoreStats stats = store.stats();
        assertEquals(written, stats.writePosition(), stats.toString());
        assertEquals(written, stats.dispatchedPosition(), stats.toString());
        assertEquals(0, stats.dispatchLagBytes(), stats.toString());
        assertEquals(0, stats.minLogOffset(), stats.toString());
        assertEquals(1, stats.segmentCount(), stats.toString());
        assertEquals(1, stats.topicCount(), stats.toString());
        assertFalse(stats.fenced() || stats.diskFull(), stats.toString());
    }

    @Test
    void shouldKeepQueueOffsetsDensePerQueueWhenQueuesInterleave()
    {
        for (int i = 0; i < 9; i++)
        {
            final AppendResult result = append(store, "orders", i % 3, "m" + i);
            assertEquals(i / 3, result.queueOffset(), "queue offset of message " + i);
        }
        drain(store);

        assertEquals(List.of("m1", "m4", "m7"), bodies(readAll(store, "orders", 1, 0)));
        assertEquals(List.of("orders"), store.topics());
        assertEquals(List.of(0, 1, 2), store.queueIds("orders"));
        assertEquals(List.of(), store.queueIds("nothing"));
    }

    @Test
    void shouldReturnEveryStoredFieldWhenMessageIsReadBack()
    {
        final Message message = Message.builder("orders").tag("created").keys("k1", "k2").property("p", "v")
            .property("q", "ü").body("payload").build();
        final AppendResult appended = store.append(new AppendRequest(message, 2, 1234L, "producer-1", 3, 99L, 7));
        drain(store);

        final StoredMessage read = readAll(store, "orders", 2, 0).get(0);

        assertEquals(appended.messageId(), read.messageId());
        assertEquals(appended.logOffset(), read.logOffset());
        assertEquals(appended.recordBytes(), read.recordBytes());
        assertEquals(START_MS, read.storeTimestampMs());
        assertEquals("orders", read.topic());
        assertEquals("created", read.tag());
        assertEquals(List.of("k1", "k2"), read.keys());
        assertEquals(Map.of("p", "v", "q", "ü"), read.properties());
        assertEquals("payload", text(read));
        assertEquals(7, read.bodySize());
        assertEquals(7, read.body().remaining());
        assertTrue(read.body().isReadOnly(), "body view is read-only");
        assertEquals(2, read.queueId());
        assertEquals(0, read.queueOffset());
        assertEquals(1234L, read.bornTimestampMs());
        assertEquals("producer-1", read.producerId());
        assertEquals(3, read.reconsumeTimes());
        assertEquals(99L, read.preparedTransactionOffset());
        assertEquals(7, read.flags());
    }

    @Test
    void shouldFindFirstOffsetAtOrAfterTimestampWhenClockAdvancesBetweenAppends()
    {
        for (int i = 0; i < 3; i++)
        {
            append(store, "orders", 0, "m" + i);
            clock.advance(1000);
        }
        drain(store);

        assertEquals(0, store.offsetForTimestamp("orders", 0, START_MS - 1), "before everything");
        assertEquals(0, store.offsetForTimestamp("orders", 0, START_MS), "exactly the first");
        assertEquals(1, store.offsetForTimestamp("orders", 0, START_MS + 1), "just after the first");
        assertEquals(1, store.offsetForTimestamp("orders", 0, START_MS + 1000), "exactly the second");
        assertEquals(2, store.offsetForTimestamp("orders", 0, START_MS + 1500), "between second and third");
        assertEquals(3, store.offsetForTimestamp("orders", 0, START_MS + 2001), "all older: the maximum");
        assertEquals(0, store.offsetForTimestamp("nothing", 0, START_MS), "unknown queue");
    }

    @Test
    void shouldNeverLetStoreTimestampsGoBackWhenTheClockDoes()
    {
        final AppendResult first = append(store, "orders", 0, "m0");
        clock.update(START_MS - 60_000);
        final AppendResult second = append(store, "orders", 0, "m1");

        assertEquals(START_MS, first.storeTimestampMs());
        assertEquals(START_MS, second.storeTimestampMs(), "store time is non-decreasing in log order");
    }

    @Test
    void shouldFindMessagesByKeyWithinTheTimeRangeInLogOrder()
    {
        for (int i = 0; i < 4; i++)
        {
            append(store, Message.builder("orders").keys("order-1", "k" + i).body("m" + i).build(), i % 2);
            clock.advance(1000);
        }
        append(store, Message.builder("invoices").key("order-1").body("other topic").build(), 0);
        drain(store);

        assertEquals(List.of("m0", "m1", "m2", "m3"),
            bodies(store.messagesByKey("orders", "order-1", 0, Long.MAX_VALUE, 10)), "every message, log order");
        assertEquals(List.of("m1", "m2"),
            bodies(store.messagesByKey("orders", "order-1", START_MS + 500, START_MS + 2000, 10)), "within range");
        assertEquals(1, store.messagesByKey("orders", "order-1", 0, Long.MAX_VALUE, 1).size(), "maxCount");
        assertEquals(List.of("m2"), bodies(store.messagesByKey("orders", "k2", 0, Long.MAX_VALUE, 10)));
        assertEquals(List.of("other topic"), bodies(store.messagesByKey("invoices", "order-1", 0, Long.MAX_VALUE, 10)));
        assertEquals(List.of(), store.messagesByKey("orders", "missing", 0, Long.MAX_VALUE, 10));
        assertEquals(List.of(), store.messagesByKey("nothing", "order-1", 0, Long.MAX_VALUE, 10));
    }

    @Test
    void shouldReturnTheNewestMatchesInLogOrderWhenMoreThanMaxCountCarryTheKey()
    {
        for (int i = 0; i < 100; i++)
        {
            append(store, Message.builder("orders").key("hot").body("m" + i).build(), 0);
        }
        drain(store);

        final List<String> expected = new ArrayList<>();
        for (int i = 90; i < 100; i++)
        {
            expected.add("m" + i);
        }
        assertEquals(expected, bodies(store.messagesByKey("orders", "hot", 0, Long.MAX_VALUE, 10)));
        assertEquals(List.of("m99"), bodies(store.messagesByKey("orders", "hot", 0, Long.MAX_VALUE, 1)));
        assertEquals(100, store.messagesByKey("orders", "hot", 0, Long.MAX_VALUE, Integer.MAX_VALUE).size(),
            "no limit");
    }

    @Test
    void shouldRejectKeyQueryWhenArgumentsAreIllegal()
    {
        assertThrows(InvalidArgumentException.class, () -> store.messagesByKey("orders", "", 0, 1, 10));
        assertThrows(InvalidArgumentException.class, () -> store.messagesByKey("orders", null, 0, 1, 10));
        assertThrows(InvalidArgumentException.class, () -> store.messagesByKey(null, "k", 0, 1, 10));
        assertThrows(InvalidArgumentException.class, () -> store.messagesByKey("orders", "k", 2, 1, 10));
        assertThrows(InvalidArgumentException.class, () -> store.messagesByKey("orders", "k", 0, 1, 0));
    }

    @Test
    void shouldFindMessageByIdWhenIdIsFromThisStore()
    {
        appendBodies("orders", 0, 2);
        final AppendResult second = append(store, "orders", 1, "wanted");
        drain(store);

        final StoredMessage found = store.messageById(second.messageId()).orElseThrow();

        assertEquals("wanted", text(found));
        assertEquals(second.messageId(), found.messageId());
        assertEquals(1, found.queueId());
    }

    @Test
    void shouldFindNothingWhenIdHasAForeignStoreTagOrPointsNowhere()
    {
        final AppendResult appended = append(store, "orders", 0, "m");
        drain(store);
        final String id = appended.messageId();
        final int tag = MessageIds.storeTag(id);

        final String foreign = MessageIds.encode(tag + 1, appended.logOffset());
        final String between = MessageIds.encode(tag, appended.logOffset() + 1);
        final String beyond = MessageIds.encode(tag, 1L << 40);

        assertEquals(Optional.empty(), store.messageById(foreign), "another store's id");
        assertEquals(Optional.empty(), store.messageById(between), "an offset inside a record");
        assertEquals(Optional.empty(), store.messageById(beyond), "an offset past the log");
    }

    @Test
    void shouldRejectMalformedIdWhenLookingUpById()
    {
        for (final String id : new String[] {null, "", "ABC", "G".repeat(MessageIds.LENGTH), "0".repeat(25)})
        {
            final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> store.messageById(id), "id=" + id);
            assertTrue(e.getMessage().contains("illegal message id"), e.getMessage());
        }
    }

    @Test
    void shouldTellArrivalListenerOncePerQueueWithNewMaxOffsetWhenDispatched()
    {
        appendBodies("orders", 0, 3);
        appendBodies("orders", 1, 2);
        appendBodies("invoices", 0, 1);

        assertEquals(List.of(), arrivals, "no call before the dispatcher runs");
        drain(store);

        assertEquals(3, arrivals.size(), arrivals.toString());
        assertEquals(Set.of("orders:0@3", "orders:1@2", "invoices:0@1"), Set.copyOf(arrivals));

        arrivals.clear();
        appendBodies("orders", 1, 1);
        drain(store);

        assertEquals(List.of("orders:1@3"), arrivals);
    }

    @Test
    void shouldKeepEverythingWhenReopened()
    {
        final List<AppendResult> appended = appendBodies("orders", 0, 40);
        drain(store);
        store.close();

        store = MessageStores.open(small(dir).clock(clock).build());

        assertTrue(store.recoveryReport().cleanShutdown(), store.recoveryReport().toString());
        assertFalse(store.recoveryReport().repaired(), store.recoveryReport().toString());
        assertEquals(40, store.maxOffset("orders", 0));
        assertEquals(bodiesOf(40), bodies(readAll(store, "orders", 0, 0)));
        assertEquals("m7", text(store.messageById(appended.get(7).messageId()).orElseThrow()),
            "ids survive a restart (same store tag)");
    }

    private List<AppendResult> appendBodies(final String topic, final int queueId, final int count)
    {
        final List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            results.add(append(store, topic, queueId, "m" + i));
        }
        return results;
    }

    private static List<String> bodiesOf(final int count)
    {
        final List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            bodies.add("m" + i);
        }
        return bodies;
    }

    static List<String> bodies(final List<StoredMessage> messages)
    {
        final List<String> bodies = new ArrayList<>();
        for (final StoredMessage message : messages)
        {
            bodies.add(text(message));
        }
        return bodies;
    }
}

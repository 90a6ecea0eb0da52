package io.rocklet.broker.timer;

import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TagFilter;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.broker.internal.Delays;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.TestStores;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The timer on a real store with a hand-driven clock and agents: delivery at each due time in (due, send) order,
 * a message due in the past at once, a reopen before due (clean, and after a crash that lost the timer's last
 * progress), and many pending messages with only one bucket's entries on the heap.
 */
@Timeout(120)
class TimerServiceTest
{
    static final String TOPIC = "orders";
    static final long T0 = TestStores.START_MS;
    static final long BUCKET_MS = 10_000;

    @TempDir
    Path dir;
    final CachedEpochClock clock = new CachedEpochClock();
    MessageStore store;
    TimerService timer;

    @AfterEach
    void tearDown()
    {
        if (timer != null)
        {
            timer.close();
        }
        if (store != null)
        {
            store.close();
        }
    }

    @Test
    void shouldDeliverEachMessageAtItsDueTimeInDueThenSendOrder()
    {
        open();
        sendAt(T0 + 3_000, "c");
        sendAt(T0 + 1_000, "a");
        sendAt(T0 + 1_000, "b");
        sendAt(T0 + 25_000, "d");
        run();
        assertEquals(Map.of(TOPIC, 4L), timer.pendingByTopic());
        sendAt(T0 - 5, "past");
        run();

        assertEquals(List.of("past"), delivered(), "a message already due goes at once");
        clock.update(T0 + 999);
        run();
        assertEquals(List.of("past"), delivered(), "1 ms before the first due time");
        clock.update(T0 + 1_000);
        run();
        assertEquals(List.of("past", "a", "b"), delivered(), "due together: in send order");
        clock.update(T0 + 3_000);
        run();
        assertEquals(List.of("past", "a", "b", "c"), delivered());
        sendAt(T0 + 2_000, "late"); // indexed while its bucket is being delivered, already due
        run();
        assertEquals(List.of("past", "a", "b", "c", "late"), delivered());
        assertEquals(Map.of(TOPIC, 1L), timer.pendingByTopic());
        clock.update(T0 + 25_000);
        run();
        assertEquals(List.of("past", "a", "b", "c", "late", "d"), delivered());
        assertEquals(Map.of(), timer.pendingByTopic());
        assertEquals(1, timer.bucketFiles(), "the bucket being delivered stays until its end");
        clock.update(T0 + 30_000);
        run();
        assertEquals(0, timer.bucketFiles(), "delivered buckets are deleted");
        final StoredMessage first = read(TOPIC, 0).get(1);
        assertEquals(Map.of("p", "v"), first.properties(), "the timer's properties removed");
        assertEquals("T", first.tag());
    }

    @Test
    void shouldDeliverEachOnceWhenReopenedBeforeDue() throws IOException
    {
        open();
        sendAt(T0 + 1_000, "a");
        sendAt(T0 + 20_000, "b");
        run();
        clock.update(T0 + 1_000);
        run();
        assertEquals(List.of("a"), delivered());
        timer.persist();
        reopenCleanly();
        assertEquals(Map.of(TOPIC, 1L), timer.pendingByTopic());
        clock.update(T0 + 19_999);
        run();
        assertEquals(List.of("a"), delivered());
        clock.update(T0 + 20_000);
        run();
        assertEquals(List.of("a", "b"), delivered());
        timer.persist();
        reopenCleanly();
        clock.update(T0 + 100_000);
        run();
        assertEquals(List.of("a", "b"), delivered(), "delivered once");
    }

    @Test
    void shouldLoseNothingDueWhenReopenedAfterACrashThatLostTheTimersProgress() throws IOException
    {
        open();
        sendAt(T0 + 1_000, "a");
        sendAt(T0 + 2_000, "b");
        run();
        timer.persist(); // the last checkpoint before the crash: both indexed, nothing delivered
        sendAt(T0 + 1_500, "c");
        sendAt(T0 + 30_000, "d");
        clock.update(T0 + 1_000);
        run(); // indexes c and d and delivers a: not in the checkpoint
        assertEquals(List.of("a"), delivered());
        reopen(true);

        clock.update(T0 + 2_000);
        run();
        assertEquals(List.of("a", "a", "c", "b"), delivered(),
            "a is delivered again (after the checkpoint: at least once); c, indexed twice, once");
        clock.update(T0 + 30_000);
        run();
        assertEquals(List.of("a", "a", "c", "b", "d"), delivered());
        assertEquals(Map.of(), timer.pendingByTopic());
    }

    @Test
    void shouldNeverDeliverARecalledMessageWhenReopenedAfterACrashThatLostTheBucketFiles() throws IOException
    {
        open();
        timer.persist(); // the last checkpoint before the crash: nothing indexed
        for (int i = 0; i < 100; i++)
        {
            sendAt(T0 + 5_000, "m" + i);
        }
        run();
        assertEquals(RecallStatus.RECALLED, timer.recall(read(SystemTopics.TIMER_TOPIC, 0).get(0)));
        run();

        // a crash that lost the timer's progress and the bucket files' unsynced entries (here: all of them)
        timer.close();
        store.close();
        try (Stream<Path> files = Files.list(dir.resolve("broker").resolve(TimerService.DIRECTORY)))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
        Files.write(dir.resolve("store").resolve("abort"), new byte[0]);
        store = MessageStores.open(TestStores.small(dir.resolve("store")).clock(clock).build());
        timer = TimerService.load(store, clock, dir.resolve("broker"), false, BUCKET_MS);
        clock.update(T0 + 5_000); // due at once: indexing is redone (more than one batch) before any delivery
        run();
        final List<String> delivered = delivered();
        assertEquals(99, delivered.size(), "every message but the recalled one: " + delivered);
        assertFalse(delivered.contains("m0"), "the recalled message");
        assertEquals(Map.of(), timer.pendingByTopic());
    }

    @Test
    void shouldHoldOnlyTheDueBucketOnTheHeapWhenManyMessagesWait()
    {
        store = MessageStores.open(TestStores.small(dir.resolve("store")).segmentSizeBytes(64 << 20)
            .consumeQueueEntriesPerFile(300_000).indexEntriesPerFile(1 << 20).indexSlotsPerFile(1 << 18)
            .clock(clock).build());
        clock.update(T0);
        timer = TimerService.load(store, clock, dir.resolve("broker"), false, BUCKET_MS);
        final int count = 200_000;
        final int buckets = 100;
        final byte[] body = "x".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < count; i++)
        {
            final long dueMs = T0 + BUCKET_MS + (long)(i % buckets) * BUCKET_MS + i / buckets; // buckets interleaved
            store.append(new AppendRequest(timed(Message.of(TOPIC, body), dueMs), Delays.TIMER_QUEUE, T0, "p", 0,
                0L, 0));
            if (i % 1_000 == 999)
            {
                TestStores.drain(store);
            }
        }
        run();
        assertEquals(Map.of(TOPIC, (long)count), timer.pendingByTopic());
        assertEquals(buckets, timer.bucketFiles(), "pending work lives in the bucket files");
        assertEquals(0, timer.loadedEntries(), "nothing on the heap before the first bucket is due");

        clock.update(T0 + BUCKET_MS);
        run();
        assertTrue(timer.loadedEntries() <= count / buckets, "one bucket on the heap: " + timer.loadedEntries());
        assertEquals(1, store.maxOffset(TOPIC, 0));
        clock.update(T0 + BUCKET_MS + (long)buckets * BUCKET_MS);
        for (int i = 0; i < 1_000_000 && store.maxOffset(TOPIC, 0) < count; i++)
        {
            run();
            assertTrue(timer.loadedEntries() <= count / buckets, "one bucket on the heap: " + timer.loadedEntries());
        }
        assertEquals(count, store.maxOffset(TOPIC, 0), "every message delivered once");
        assertEquals(Map.of(), timer.pendingByTopic());
    }

    private void open()
    {
        clock.update(T0);
        store = MessageStores.open(TestStores.small(dir.resolve("store")).clock(clock).build());
        timer = TimerService.load(store, clock, dir.resolve("broker"), false, BUCKET_MS);
    }

    private void reopenCleanly() throws IOException
    {
        reopen(false);
    }

    /**
     * Closes the store and opens store and timer again on the same directories; {@code crash}: the store is marked
     * as not closed cleanly (its abort file), and the timer's progress since its last persist is lost.
     */
    private void reopen(final boolean crash) throws IOException
    {
        timer.close();
        store.close();
        if (crash)
        {
            Files.write(dir.resolve("store").resolve("abort"), new byte[0]);
        }
        store = MessageStores.open(TestStores.small(dir.resolve("store")).clock(clock).build());
        timer = TimerService.load(store, clock, dir.resolve("broker"), false, BUCKET_MS);
    }

    private void sendAt(final long dueMs, final String body)
    {
        store.append(new AppendRequest(timed(Message.builder(TOPIC).tag("T").property("p", "v").body(body).build(),
            dueMs), Delays.TIMER_QUEUE, clock.time(), "p", 0, 0L, 0));
    }

    private static Message timed(final Message message, final long dueMs)
    {
        final Map<String, String> properties = new java.util.HashMap<>(message.properties());
        properties.put(SystemProperties.REAL_TOPIC, message.topic());
        properties.put(SystemProperties.REAL_QUEUE_ID, "0");
        properties.put(SystemProperties.DELIVER_AT_MS, Long.toString(dueMs));
        return new Message(SystemTopics.TIMER_TOPIC, message.tag(), message.keys(), properties, message.body());
    }

    /** Runs store and timer until neither has work. */
    private void run()
    {
        for (int i = 0; i < 100_000; i++)
        {
            if (store.doWork() + timer.deliverDue() == 0)
            {
                return;
            }
        }
        fail("store and timer did not go idle");
    }

    private List<String> delivered()
    {
        final List<String> texts = new ArrayList<>();
        for (final StoredMessage message : read(TOPIC, 0))
        {
            texts.add(TestStores.text(message));
        }
        return texts;
    }

    private List<StoredMessage> read(final String topic, final int queueId)
    {
        if (store.maxOffset(topic, queueId) == 0)
        {
            return List.of();
        }
        final ReadResult result = store.read(topic, queueId, 0, Integer.MAX_VALUE, Integer.MAX_VALUE, TagFilter.ALL);
        assertEquals(ReadStatus.FOUND, result.status());
        return result.messages();
    }
}

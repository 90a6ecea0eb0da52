package io.rocklet.store.internal.retention;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.StorageException;
import io.rocklet.api.TagFilter;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoreStats;
import io.rocklet.store.TestStores;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.rocklet.store.TestStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Retention through the store: age, disk pressure, the full-disk write gate, and the trimming of
 * consume queues and the key index that follows the log.
 */
class RetentionTest
{
    /** With a 6-character topic and one short key, 21 of these fill a 64 KiB segment. */
    private static final int BODY_BYTES = 3000;
    private static final int PER_SEGMENT = 21;
    private static final long HOUR = TimeUnit.HOURS.toMillis(1);
    private static final long CHECK_INTERVAL_MS = 10_000;

    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private volatile double diskUsed = 0.5;
    private boolean deleteUnexpired;
    private MessageStore store;
    private final List<AppendResult> appended = new ArrayList<>();

    @BeforeEach
    void open()
    {
        clock.update(START_MS);
        store = MessageStores.open(config());
    }

    private io.rocklet.store.StoreConfig config()
    {
        return small(dir).clock(clock).diskUsageProbe(directory -> diskUsed).fileReservedTime(Duration.ofHours(1))
            .retentionCheckInterval(Duration.ofMillis(CHECK_INTERVAL_MS)).indexEntriesPerFile(16)
            .deleteUnexpiredOnDiskPressure(deleteUnexpired).build();
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void shouldDeleteSegmentsWhoseLastMessageIsOlderThanTheReservedTime() throws IOException
    {
        appendMessages(2 * PER_SEGMENT);
        clock.advance(2 * HOUR);
        appendMessages(PER_SEGMENT + 1);
        assertEquals(3L * SEGMENT_BYTES, appended.get(appended.size() - 1).logOffset(),
            "two old segments, a young one and the active one");

        runRetention();

        final StoreStats stats = store.stats();
        assertEquals(2, stats.segmentCount(), stats.toString());
        assertEquals(2L * SEGMENT_BYTES, stats.minLogOffset(), stats.toString());
        assertEquals(List.of("00000000000000131072", "00000000000000196608"), files("commitlog"));
    }

    @Test
    void shouldTrimConsumeQueuesAndKeyIndexWithTheLog() throws IOException
    {
        appendMessages(2 * PER_SEGMENT);
        clock.advance(2 * HOUR);
        appendMessages(PER_SEGMENT + 1);
        final int firstKept = 2 * PER_SEGMENT;

        runRetention();

        assertEquals(firstKept, store.minOffset("orders", 0), "the queue starts at the first message still in the log");
        assertEquals(List.of("00000000000000000032", "00000000000000000048"), files("consumequeue/orders/0"),
            "queue files wholly below the minimum are deleted");
        assertFalse(files("index").contains("00000000000000000000"), "the oldest index file is deleted");
        assertTrue(files("index").size() < 4, "index files: " + files("index"));
        assertEquals(List.of(), store.messagesByKey("orders", "k0", 0, Long.MAX_VALUE, 10), "deleted with the log");
        assertEquals(1, store.messagesByKey("orders", "k" + firstKept, 0, Long.MAX_VALUE, 10).size());
        assertEquals(Optional.empty(), store.messageById(appended.get(0).messageId()));
        assertEquals(firstKept, store.offsetForTimestamp("orders", 0, START_MS), "the oldest remaining message");
    }

    @Test
    void shouldAnswerOffsetTooOldWithTheNewMinimumWhenReadingDeletedOffsets()
    {
        appendMessages(2 * PER_SEGMENT);
        clock.advance(2 * HOUR);
        appendMessages(PER_SEGMENT + 1);

        runRetention();

        final int min = 2 * PER_SEGMENT;
        for (final long offset : new long[] {0, 1, min - 1})
        {
            final ReadResult result = store.read("orders", 0, offset, 10, 1 << 20, TagFilter.ALL);

            assertEquals(ReadStatus.OFFSET_TOO_OLD, result.status(), "offset " + offset);
            assertEquals(min, result.nextOffset(), "the reader is sent to the minimum, offset " + offset);
            assertEquals(min, result.minOffset(), "offset " + offset);
            assertTrue(result.messages().isEmpty(), "offset " + offset);
        }
        final ReadResult fromMin = store.read("orders", 0, min, 100, 1 << 20, TagFilter.ALL);
        assertEquals(ReadStatus.FOUND, fromMin.status());
        assertEquals(PER_SEGMENT + 1, fromMin.messages().size());
        assertEquals(min, fromMin.messages().get(0).queueOffset());
    }

    @Test
    void shouldKeepTheTrimmedStateWhenReopened()
    {
        appendMessages(2 * PER_SEGMENT);
        clock.advance(2 * HOUR);
        appendMessages(PER_SEGMENT + 1);
        runRetention();
        store.close();

        store = MessageStores.open(config());

        final int min = 2 * PER_SEGMENT;
        assertEquals(min, store.minOffset("orders", 0), store.recoveryReport().toString());
        assertEquals(3 * PER_SEGMENT + 1, store.maxOffset("orders", 0));
        assertEquals(List.of(), store.recoveryReport().rebuiltQueues(), store.recoveryReport().toString());
        assertEquals(List.of(), store.recoveryReport().rebuiltIndexFiles(), store.recoveryReport().toString());
        assertEquals(ReadStatus.OFFSET_TOO_OLD, store.read("orders", 0, 0, 1, 1 << 20, TagFilter.ALL).status());
        assertEquals(PER_SEGMENT + 1, readAll(store, "orders", 0, min).size());
        assertEquals(1, store.messagesByKey("orders", "k" + min, 0, Long.MAX_VALUE, 10).size());
    }

    @Test
    void shouldEmptyAQueueWhenAllItsMessagesAreDeleted()
    {
        store.append(io.rocklet.store.AppendRequest.of(Message.of("audit", new byte[10]), 3));
        appendMessages(PER_SEGMENT + 1);
        clock.advance(2 * HOUR);

        runRetention();

        assertEquals(1, store.minOffset("audit", 3), "min reaches max");
        assertEquals(1, store.maxOffset("audit", 3));
        final ReadResult old = store.read("audit", 3, 0, 10, 1 << 20, TagFilter.ALL);
        assertEquals(ReadStatus.OFFSET_TOO_OLD, old.status());
        assertEquals(1, old.nextOffset());
        assertEquals(ReadStatus.NO_NEW_MESSAGES, store.read("audit", 3, 1, 10, 1 << 20, TagFilter.ALL).status());
        assertEquals(1, store.append(io.rocklet.store.AppendRequest.of(Message.of("audit", new byte[10]), 3))
            .queueOffset(), "the queue goes on from its maximum");
    }

    @Test
    void shouldNeverDeleteTheActiveSegmentWhenEveryMessageIsExpired()
    {
        appendMessages(PER_SEGMENT + 9);
        clock.advance(100 * HOUR);

        runRetention();

        assertEquals(1, store.stats().segmentCount(), "only the active segment is left");
        assertEquals(SEGMENT_BYTES, store.stats().minLogOffset());
        assertEquals(PER_SEGMENT, store.minOffset("orders", 0));
        assertEquals(PER_SEGMENT + 9, store.maxOffset("orders", 0));
        assertEquals(PER_SEGMENT + 9, append().queueOffset(), "appends continue");
        drain(store);
        assertEquals(10, readAll(store, "orders", 0, PER_SEGMENT).size());
    }

    @Test
    void shouldNotDeleteYoungSegmentsWhenTheDiskHasRoom()
    {
        appendMessages(3 * PER_SEGMENT + 1);

        runRetention();

        assertEquals(4, store.stats().segmentCount());
        assertEquals(0, store.minOffset("orders", 0));
    }

    @Test
    void shouldKeepEveryUnexpiredSegmentAndRefuseWritesWhenTheDiskFillsByDefault()
    {
        appendMessages(12 * PER_SEGMENT + 1);
        final int segments = store.stats().segmentCount();
        for (final double used : new double[] {0.80, 0.86, 0.95})
        {
            diskUsed = used;
            runRetention();
            assertEquals(segments, store.stats().segmentCount(), "nothing unexpired deleted at usedRatio=" + used);
        }
        assertEquals(ErrorCode.DISK_FULL, assertThrows(StorageException.class, this::append).errorCode());
        assertEquals(0, store.minOffset("orders", 0));
        assertEquals(appended.size(), readAll(store, "orders", 0, 0).size(), "every acknowledged message kept");

        clock.advance(2 * HOUR);
        runRetention();

        assertEquals(1, store.stats().segmentCount(), "expired data still goes under pressure");
    }

    @Test
    void shouldDeleteOneYoungSegmentPerPassWhenAboveTheCleanRatioAndOptedIn()
    {
        reopenDeletingUnexpired();
        appendMessages(3 * PER_SEGMENT + 1);
        diskUsed = 0.80;

        runRetention();

        assertEquals(3, store.stats().segmentCount(), "the oldest went although young");
        assertEquals(PER_SEGMENT, store.minOffset("orders", 0));
        assertEquals(0.80, store.stats().diskUsedRatio(), 1e-9);

        runRetention();

        assertEquals(2, store.stats().segmentCount(), "one more at the next pass");
    }

    @Test
    void shouldDeleteUpToTenSegmentsPerPassWhenAboveTheForceRatioAndOptedIn()
    {
        reopenDeletingUnexpired();
        appendMessages(12 * PER_SEGMENT + 1);
        assertEquals(13, store.stats().segmentCount());
        diskUsed = 0.86;

        runRetention();

        assertEquals(3, store.stats().segmentCount(), "ten deleted in one pass");
        assertEquals(10L * SEGMENT_BYTES, store.stats().minLogOffset());
        assertEquals(10 * PER_SEGMENT, store.minOffset("orders", 0));
    }

    @Test
    void shouldRefuseWritesWhenTheDiskIsFullAndAcceptThemWhenItDrops()
    {
        appendMessages(3);
        diskUsed = 0.90;

        runRetention();

        final StorageException e = assertThrows(StorageException.class, this::append);
        assertEquals(ErrorCode.DISK_FULL, e.errorCode());
        assertTrue(e.retriable(), "DISK_FULL is retriable");
        assertTrue(e.getMessage().contains("usedRatio=0.900"), e.getMessage());
        assertTrue(store.stats().diskFull(), store.stats().toString());
        assertEquals(3, readAll(store, "orders", 0, 0).size(), "reads go on");

        diskUsed = 0.70;
        assertThrows(StorageException.class, this::append, "the gate opens at the next check, not before");
        runRetention();

        assertFalse(store.stats().diskFull(), store.stats().toString());
        assertEquals(3, append().queueOffset(), "nothing partial from the refused appends");
    }

    @Test
    void shouldRefuseWritesFromTheStartWhenTheDiskIsFullAtOpen()
    {
        store.close();
        diskUsed = 0.95;
        store = MessageStores.open(config());

        final StorageException e = assertThrows(StorageException.class, this::append);

        assertEquals(ErrorCode.DISK_FULL, e.errorCode());
    }

    private void reopenDeletingUnexpired()
    {
        store.close();
        deleteUnexpired = true;
        store = MessageStores.open(config());
    }

    private void runRetention()
    {
        drain(store);
        clock.advance(CHECK_INTERVAL_MS);
        drain(store);
    }

    private void appendMessages(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            appended.add(append());
        }
        drain(store);
    }

    private AppendResult append()
    {
        final int n = appended.size();
        return store.append(io.rocklet.store.AppendRequest.of(
            Message.builder("orders").key("k" + n).body(new byte[BODY_BYTES]).build(), 0));
    }

    private List<String> files(final String relative) throws IOException
    {
        try (Stream<Path> files = Files.list(dir.resolve(relative)))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

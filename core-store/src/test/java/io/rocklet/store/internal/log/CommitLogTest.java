package io.rocklet.store.internal.log;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.StorageException;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.TestStores;
import io.rocklet.store.internal.file.FileNames;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.rocklet.store.internal.log.RecordDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class CommitLogTest
{
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    private CommitLog log;

    @AfterEach
    void close()
    {
        if (log != null)
        {
            log.close();
        }
    }

    @Test
    void shouldNameSegmentsByTheirTwentyDigitStartOffsetWhenAdded() throws IOException
    {
        log = open();

        log.addSegment(0);
        log.addSegment(SEGMENT);

        assertEquals(List.of("00000000000000000000", "00000000000000065536"), segmentFiles());
        assertEquals(SEGMENT, Files.size(log.directory().resolve("00000000000000065536")));
        assertEquals("00000000001073741824", FileNames.name(1L << 30));
        assertEquals(1L << 30, FileNames.parse("00000000001073741824"));
        assertEquals(-1, FileNames.parse("1073741824"), "not 20 digits");
    }

    @Test
    void shouldFindTheSegmentHoldingAnOffsetWhenAsked()
    {
        log = open();
        final LogSegment first = log.addSegment(0);
        final LogSegment second = log.addSegment(SEGMENT);

        assertSame(first, log.segmentFor(0));
        assertSame(first, log.segmentFor(SEGMENT - 1));
        assertSame(second, log.segmentFor(SEGMENT));
        assertNull(log.segmentFor(2L * SEGMENT), "past the log");
        assertEquals(0, log.minOffset());
        assertSame(second, log.lastSegment());
        assertEquals(2L * SEGMENT, second.endOffset());
        assertEquals(SEGMENT - SEGMENT_TRAILER_LENGTH, second.usableBytes());
    }

    @Test
    void shouldRefuseSegmentWhenItDoesNotFollowTheLastOne()
    {
        log = open();
        log.addSegment(0);

        assertThrows(IllegalStateException.class, () -> log.addSegment(2L * SEGMENT));
    }

    @Test
    void shouldZeroTheTailAndDeleteLaterSegmentsWhenTruncatedInsideASegment() throws IOException
    {
        log = open();
        for (int i = 0; i < 3; i++)
        {
            fill(log.addSegment((long)i * SEGMENT), (byte)(i + 1));
        }

        final long deleted = log.truncate(1000);

        assertEquals(2L * SEGMENT, deleted, "bytes of the deleted segments");
        assertEquals(List.of("00000000000000000000"), segmentFiles());
        assertEquals(1, log.segments().length);
        assertSegmentBytes(log.segmentFor(0), 1000, (byte)1);

        log.close();
        log = open();
        log.load();

        assertEquals(1, log.segments().length, "reopened");
        assertSegmentBytes(log.segmentFor(0), 1000, (byte)1);
    }

    @Test
    void shouldKeepWholeSegmentsBelowWhenTruncatedAtASegmentBoundary() throws IOException
    {
        log = open();
        for (int i = 0; i < 3; i++)
        {
            fill(log.addSegment((long)i * SEGMENT), (byte)(i + 1));
        }

        log.truncate(SEGMENT);

        assertEquals(List.of("00000000000000000000"), segmentFiles());
        assertSegmentBytes(log.segmentFor(0), SEGMENT, (byte)1);
        assertEquals(SEGMENT, log.addSegment(SEGMENT).baseOffset(), "the log grows again from the cut");
    }

    @Test
    void shouldExtendWithZerosWhenASegmentFileWasTruncatedOnDisk() throws IOException
    {
        log = open();
        fill(log.addSegment(0), (byte)7);
        log.close();
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("commitlog/00000000000000000000").toFile(), "rw"))
        {
            raf.setLength(5000);
        }

        log = open();
        log.load();

        assertEquals(SEGMENT, Files.size(dir.resolve("commitlog/00000000000000000000")), "back to full size");
        assertSegmentBytes(log.segmentFor(0), 5000, (byte)7);
    }

    @Test
    void shouldRefuseToLoadWhenSegmentsAreNotContiguous() throws IOException
    {
        log = open();
        log.addSegment(0);
        log.addSegment(SEGMENT);
        log.addSegment(2L * SEGMENT);
        log.close();
        Files.delete(dir.resolve("commitlog/00000000000000065536"));

        log = open();
        final StorageException e = assertThrows(StorageException.class, log::load);

        assertEquals(ErrorCode.IO_ERROR, e.errorCode());
        assertTrue(e.getMessage().contains("not contiguous") && e.getMessage().contains("00000000000000131072"),
            e.getMessage());
    }

    @Test
    void shouldRefuseToLoadWhenASegmentIsLargerThanConfigured() throws IOException
    {
        log = open();
        log.addSegment(0);
        log.close();
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("commitlog/00000000000000000000").toFile(), "rw"))
        {
            raf.setLength(2L * SEGMENT);
        }

        log = open();
        final StorageException e = assertThrows(StorageException.class, log::load);

        assertTrue(e.getMessage().contains("larger than expected"), e.getMessage());
    }

    @Test
    void shouldNeverDeleteTheLastSegmentWhenDeletingOldest() throws IOException
    {
        log = open();
        log.addSegment(0);
        log.addSegment(SEGMENT);

        assertEquals(0, log.deleteOldestSegment().baseOffset());
        assertNull(log.deleteOldestSegment(), "the active segment stays");
        assertEquals(List.of("00000000000000065536"), segmentFiles());
        assertEquals(SEGMENT, log.minOffset());
    }

    @Test
    void shouldUseThePreparedSegmentWhenRolling() throws IOException
    {
        log = open();
        log.addSegment(0);

        assertTrue(log.prepareNextSegment(), "prepared");
        assertFalse(log.prepareNextSegment(), "one spare at a time");
        assertEquals(2, segmentFiles().size(), "the spare exists on disk");
        final LogSegment next = log.addSegment(SEGMENT);

        assertEquals(SEGMENT, next.baseOffset());
        assertEquals(2, log.segments().length);
    }

    @Test
    void shouldDeleteAnUnusedSpareWhenClosed() throws IOException
    {
        log = open();
        log.addSegment(0);
        log.prepareNextSegment();

        log.close();
        log = null;

        assertEquals(List.of("00000000000000000000"), segmentFilesIn(dir.resolve("commitlog")));
    }

    @Test
    void shouldRollWithAFillerAndSealWhenARecordDoesNotFitTheSegment() throws IOException
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(TestStores.START_MS);
        final List<AppendResult> results = new ArrayList<>();
        try (MessageStore store = MessageStores.open(TestStores.small(dir).clock(clock).build()))
        {
            for (int i = 0; i < 10; i++)
            {
                clock.advance(1);
                results.add(store.append(AppendRequest.of(Message.of("orders", new byte[10_000]), 0)));
            }
            TestStores.drain(store);
        }
        final int perSegment = (int)results.stream().filter(r -> r.logOffset() < SEGMENT).count();
        final AppendResult lastInFirst = results.get(perSegment - 1);
        final AppendResult firstInSecond = results.get(perSegment);
        final int fillerAt = (int)(lastInFirst.logOffset() + lastInFirst.recordBytes());

        assertEquals(SEGMENT, firstInSecond.logOffset(), "the record that did not fit starts the next segment");
        assertTrue(fillerAt + firstInSecond.recordBytes() + MIN_FILLER_LENGTH > SEGMENT - SEGMENT_TRAILER_LENGTH,
            "it really did not fit");
        assertEquals(List.of("00000000000000000000", "00000000000000065536"), segmentFilesIn(dir.resolve("commitlog")));

        final UnsafeBuffer first = new UnsafeBuffer(Files.readAllBytes(dir.resolve("commitlog/00000000000000000000")));
        final RecordView view = new RecordView();
        int index = 0;
        for (int i = 0; i < perSegment; i++)
        {
            view.wrap(first, index);
            assertEquals(RECORD_MAGIC, view.magic(), "record " + i);
            assertEquals(index, view.logOffset(), "record " + i);
            assertEquals(i, view.queueOffset(), "record " + i);
            index += view.length();
        }
        assertEquals(fillerAt, index);
        assertEquals(FILLER_MAGIC, first.getInt(fillerAt + MAGIC_OFFSET), "a filler after the last record");
        assertEquals(SEGMENT - SEGMENT_TRAILER_LENGTH - fillerAt, first.getInt(fillerAt + LENGTH_OFFSET),
            "the filler runs to the trailer");
        final int trailer = SEGMENT - SEGMENT_TRAILER_LENGTH;
        assertEquals(SEAL_MAGIC, first.getInt(trailer + TRAILER_MAGIC_OFFSET), "sealed");
        assertEquals(lastInFirst.storeTimestampMs(), first.getLong(trailer + TRAILER_TIMESTAMP_OFFSET),
            "the trailer holds the store time of the last record");

        final UnsafeBuffer second = new UnsafeBuffer(Files.readAllBytes(dir.resolve("commitlog/00000000000000065536")));
        view.wrap(second, 0);
        assertEquals(SEGMENT, view.logOffset());
        assertEquals(perSegment, view.queueOffset());
        assertNotEquals(SEAL_MAGIC, second.getInt(trailer + TRAILER_MAGIC_OFFSET), "the active segment is not sealed");

        try (MessageStore store = MessageStores.open(TestStores.small(dir).clock(clock).build()))
        {
            assertEquals(10, store.maxOffset("orders", 0), "reopened across the roll");
            assertEquals(10, TestStores.readAll(store, "orders", 0, 0).size());
        }
    }

    @Test
    void shouldPrepareTheNextSegmentWhenTheActiveOneIsHalfFullAndRollIntoIt() throws IOException
    {
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            for (int i = 0; i < 4; i++)
            {
                store.append(AppendRequest.of(Message.of("orders", new byte[10_000]), 0));
            }
            TestStores.drain(store);

            assertEquals(List.of("00000000000000000000", "00000000000000065536"),
                segmentFilesIn(dir.resolve("commitlog")), "the spare is mapped ahead of the roll");
            assertEquals(1, store.stats().segmentCount(), "a spare is not a segment yet");

            for (int i = 0; i < 4; i++)
            {
                store.append(AppendRequest.of(Message.of("orders", new byte[10_000]), 0));
            }
            TestStores.drain(store);

            assertEquals(2, store.stats().segmentCount(), "rolled into the spare");
        }
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertEquals(8, TestStores.readAll(store, "orders", 0, 0).size());
        }
    }

    @Test
    void shouldDropTheTornTailWhenSegmentFileIsCutAfterACrash() throws IOException
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(TestStores.START_MS);
        final Path crashed = dir.resolve("crashed");
        final List<AppendResult> results = new ArrayList<>();
        try (MessageStore store = MessageStores.open(TestStores.small(dir.resolve("live")).clock(clock).build()))
        {
            for (int i = 0; i < 10; i++)
            {
                results.add(store.append(AppendRequest.of(Message.builder("orders").key("k" + i).body("m" + i)
                    .build(), 0)));
                if (i == 4)
                {
                    TestStores.drain(store);
                    clock.advance(1000);
                    TestStores.drain(store); // the checkpoint covers records 0..4
                }
            }
            TestStores.drain(store);
            copyTree(dir.resolve("live"), crashed); // what kill -9 would leave: the abort mark, an older checkpoint
        }
        final AppendResult torn = results.get(8);
        try (RandomAccessFile raf = new RandomAccessFile(crashed.resolve("commitlog/00000000000000000000").toFile(),
            "rw"))
        {
            raf.setLength(torn.logOffset() + 40);
        }

        try (MessageStore store = MessageStores.open(TestStores.small(crashed).clock(clock).build()))
        {
            final io.rocklet.store.RecoveryReport report = store.recoveryReport();

            assertFalse(report.cleanShutdown(), report.toString());
            assertEquals(results.get(5).logOffset(), report.checkpointPosition(), report.toString());
            assertEquals(8, report.recordsScanned(), "records 0..7 verified: " + report);
            assertEquals(torn.logOffset(), report.logEndPosition(), report.toString());
            assertTrue(report.droppedBytes() >= 40 && report.droppedBytes() <= torn.recordBytes(),
                "the torn record's bytes: " + report);
            assertEquals(1, report.droppedRecords(), report.toString());
            assertTrue(report.tailProblem().contains("offset " + torn.logOffset()), report.toString());
            assertEquals(8, store.maxOffset("orders", 0), "messages before the torn one survive");
            assertEquals(java.util.Optional.empty(), store.messageById(results.get(9).messageId()), "cut away");
            assertEquals(List.of(), store.messagesByKey("orders", "k9", 0, Long.MAX_VALUE, 10), "cut away");
            assertEquals(1, store.messagesByKey("orders", "k7", 0, Long.MAX_VALUE, 10).size(), "re-indexed");

            final AppendResult next = store.append(AppendRequest.of(Message.of("orders", new byte[1]), 0));
            TestStores.drain(store);

            assertEquals(8, next.queueOffset(), "offsets stay dense");
            assertEquals(torn.logOffset(), next.logOffset(), "the log continues where the intact records end");
        }
        try (MessageStore store = MessageStores.open(TestStores.small(crashed).clock(clock).build()))
        {
            assertTrue(store.recoveryReport().cleanShutdown(), store.recoveryReport().toString());
            assertEquals(9, TestStores.readAll(store, "orders", 0, 0).size());
        }
    }

    @Test
    void shouldKeepLaterAppendsWhenSegmentFileWasCutBelowTheCheckpoint() throws IOException
    {
        final List<AppendResult> results = new ArrayList<>();
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            for (int i = 0; i < 10; i++)
            {
                results.add(store.append(AppendRequest.of(Message.of("orders", new byte[8]), 0)));
            }
            TestStores.drain(store);
        }
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("commitlog/00000000000000000000").toFile(), "rw"))
        {
            raf.setLength(results.get(5).logOffset() + 40);
        }
        final io.rocklet.api.StorageException refused = assertThrows(io.rocklet.api.StorageException.class,
            () -> MessageStores.open(TestStores.small(dir).build()).close());
        assertEquals(io.rocklet.api.ErrorCode.STORE_DAMAGED, refused.errorCode(), refused.toString());
        try (MessageStore store = MessageStores.open(TestStores.small(dir).repairDamagedLog(true).build()))
        {
            store.append(AppendRequest.of(Message.of("orders", "after the repair".getBytes()), 0));
            TestStores.drain(store);
        }
        Files.delete(dir.resolve("checkpoint")); // a damaged checkpoint forces a scan of the whole log

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            final List<io.rocklet.store.StoredMessage> messages = TestStores.readAll(store, "orders", 0, 0);

            assertEquals("after the repair", TestStores.text(messages.get(messages.size() - 1)),
                "an append acknowledged after the repair survives: " + store.recoveryReport());
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
                else if (!path.getFileName().toString().equals("lock"))
                {
                    Files.copy(path, target);
                }
            }
        }
    }

    private CommitLog open()
    {
        return new CommitLog(dir, SEGMENT, false);
    }

    private static void fill(final LogSegment segment, final byte value)
    {
        segment.buffer().setMemory(0, segment.size(), value);
    }

    private static void assertSegmentBytes(final LogSegment segment, final int kept, final byte value)
    {
        final UnsafeBuffer buffer = segment.buffer();
        for (int i = 0; i < segment.size(); i++)
        {
            final byte expected = i < kept ? value : 0;
            if (buffer.getByte(i) != expected)
            {
                fail("byte " + i + " of segment " + segment.baseOffset() + ": expected " + expected + " but was " +
                    buffer.getByte(i) + " (kept=" + kept + ")");
            }
        }
    }

    private List<String> segmentFiles() throws IOException
    {
        return segmentFilesIn(log.directory());
    }

    private static List<String> segmentFilesIn(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

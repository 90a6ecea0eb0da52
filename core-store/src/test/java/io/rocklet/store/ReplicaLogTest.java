package io.rocklet.store;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.EpochEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.rocklet.store.TestStores.append;
import static io.rocklet.store.TestStores.drain;
import static io.rocklet.store.TestStores.readAll;
import static io.rocklet.store.TestStores.small;
import static io.rocklet.store.TestStores.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's replication primitives: raw log reads, raw appends at the log end, truncation.
 */
class ReplicaLogTest
{
    @TempDir
    Path master;
    @TempDir
    Path slave;

    @Test
    void shouldReplicateTheLogByteIdenticallyAcrossSegmentsWhenCopiedChunkByChunk()
    {
        try (MessageStore m = MessageStores.open(small(master).build());
             MessageStore s = MessageStores.open(small(slave).build()))
        {
            appendMany(m, 0, 600); // 600 x ~200 bytes: two segment rolls
            assertTrue(m.stats().segmentCount() > 1);
            copy(m, s, 1000);
            drain(s);
            assertEquals(m.logEndOffset(), s.logEndOffset());
            assertArrayEquals(logBytes(m), logBytes(s));
            for (int q = 0; q < 4; q++)
            {
                assertEquals(150, s.maxOffset("orders", q));
                assertTrue(text(readAll(s, "orders", q, 149).get(0)).startsWith("body-" + (4 * 149 + q) + "-"));
            }
            assertEquals(1, s.messagesByKey("orders", "k77", 0, Long.MAX_VALUE, 10).size());
            appendMany(m, 600, 10);
            copy(m, s, 1 << 20);
            drain(s);
            assertEquals(m.logEndOffset(), s.logEndOffset());
        }
    }

    @Test
    void shouldRefuseGapAndOverlapWhenBytesDoNotStartAtTheLogEnd()
    {
        try (MessageStore m = MessageStores.open(small(master).build());
             MessageStore s = MessageStores.open(small(slave).build()))
        {
            appendMany(m, 0, 3);
            final LogChunk first = m.readLog(0, 1);
            final LogChunk second = m.readLog(first.nextOffset(), 1);
            final InvalidArgumentException gap = assertThrows(InvalidArgumentException.class,
                () -> s.appendLog(second.offset(), second.bytes()));
            assertTrue(gap.getMessage().contains("problem=gap"), gap.getMessage());
            s.appendLog(0, first.bytes());
            final InvalidArgumentException overlap = assertThrows(InvalidArgumentException.class,
                () -> s.appendLog(0, first.bytes()));
            assertTrue(overlap.getMessage().contains("problem=overlap"), overlap.getMessage());
            assertEquals(first.nextOffset(), s.logEndOffset());
        }
    }

    @Test
    void shouldRefuseARecordWhoseCrcDoesNotVerifyWhenItArrives()
    {
        try (MessageStore m = MessageStores.open(small(master).build());
             MessageStore s = MessageStores.open(small(slave).build()))
        {
            appendMany(m, 0, 2);
            final LogChunk chunk = m.readLog(0, 1 << 20);
            final byte[] bytes = chunk.bytes().clone();
            bytes[bytes.length - 1] ^= 1; // the second record's last body byte
            final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> s.appendLog(0, bytes));
            assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
            assertEquals(m.readLog(0, 1).nextOffset(), s.logEndOffset(),
                "the intact first record stays appended");
        }
    }

    @Test
    void shouldRefuseBytesWhenTheSegmentSizeDiffersFromTheMasters()
    {
        try (MessageStore m = MessageStores.open(small(master).build());
             MessageStore s = MessageStores.open(small(slave).segmentSizeBytes(128 * 1024).build()))
        {
            appendMany(m, 0, 400);
            final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> copy(m, s, 1 << 20));
            assertTrue(e.getMessage().contains("segment size"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAReadThatIsNotAtARecordBoundaryOrBeyondTheEnd()
    {
        try (MessageStore m = MessageStores.open(small(master).build()))
        {
            appendMany(m, 0, 2);
            assertThrows(InvalidArgumentException.class, () -> m.readLog(3, 100));
            assertThrows(InvalidArgumentException.class, () -> m.readLog(m.logEndOffset() + 1, 100));
            assertTrue(m.readLog(m.logEndOffset(), 100).isEmpty());
        }
    }

    @Test
    void shouldTruncateADivergedTailToQuarantineAndReappendTheMastersBytes() throws Exception
    {
        final long common;
        try (MessageStore m = MessageStores.open(small(master).build());
             MessageStore s = MessageStores.open(small(slave).build()))
        {
            appendMany(m, 0, 40);
            copy(m, s, 1 << 20);
            common = s.logEndOffset();
            s.appendEpoch(1, 0);
            s.appendEpoch(2, common);
            appendMany(s, 1000, 25); // written by the slave while it was (wrongly) master: to be cut
            drain(s);
            appendMany(m, 40, 30);
        }
        final Path quarantined = MessageStores.truncate(small(slave).build(), common);
        assertNotNull(quarantined);
        assertTrue(Files.size(quarantined) > 0);
        try (MessageStore m = MessageStores.open(small(master).build());
             MessageStore s = MessageStores.open(small(slave).build()))
        {
            drain(s);
            assertEquals(common, s.logEndOffset());
            assertEquals(List.of(new EpochEntry(1, 0)), s.epochs());
            assertEquals(10, s.maxOffset("orders", 0));
            assertTrue(s.messagesByKey("orders", "k1003", 0, Long.MAX_VALUE, 10).isEmpty(),
                "the key index no longer finds a cut record");
            copy(m, s, 4096);
            drain(s);
            assertArrayEquals(logBytes(m), logBytes(s));
            assertEquals(m.maxOffset("orders", 3), s.maxOffset("orders", 3));
            assertEquals(1, s.messagesByKey("orders", "k63", 0, Long.MAX_VALUE, 10).size());
        }
    }

    @Test
    void shouldRefuseATruncationInsideARecord()
    {
        try (MessageStore m = MessageStores.open(small(master).build()))
        {
            appendMany(m, 0, 3);
        }
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> MessageStores.truncate(small(master).build(), 5));
        assertTrue(e.getMessage().contains("inside a record"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> MessageStores.truncate(small(master).build(), 1L << 40));
    }

    @Test
    void shouldRefuseAnEpochGoingBackwardsAndKeepTheHistoryAcrossReopen()
    {
        try (MessageStore s = MessageStores.open(small(slave).build()))
        {
            appendMany(s, 0, 2);
            s.appendEpoch(3, 0);
            s.appendEpoch(3, 0); // the same entry again: no-op
            final InvalidArgumentException back = assertThrows(InvalidArgumentException.class,
                () -> s.appendEpoch(2, s.logEndOffset()));
            assertTrue(back.getMessage().contains("epoch going backwards"), back.getMessage());
            assertThrows(InvalidArgumentException.class, () -> s.appendEpoch(4, s.logEndOffset() + 1));
            s.appendEpoch(4, s.logEndOffset());
        }
        try (MessageStore s = MessageStores.open(small(slave).build()))
        {
            assertEquals(2, s.epochs().size());
            assertEquals(3, s.epochs().get(0).epoch());
            assertEquals(4, s.epochs().get(1).epoch());
        }
    }

    @Test
    void shouldAnswerMessageNotFoundWhenTheOffsetIsBelowTheLog()
    {
        try (MessageStore m = MessageStores.open(small(master).build()))
        {
            final RockletException e = assertThrows(RockletException.class, () -> m.readLog(-8, 10));
            assertTrue(e.errorCode() == ErrorCode.MESSAGE_NOT_FOUND || e.errorCode() == ErrorCode.INVALID_ARGUMENT);
        }
    }

    @Test
    void shouldStartASeededReplicaAtTheMastersRetainedLogAndKeepItAcrossReopen()
    {
        try (MessageStore m = MessageStores.open(small(master).build()))
        {
            appendMany(m, 0, 900); // ~200 bytes each: three segments and more
            drain(m);
            final long start = 2L * TestStores.SEGMENT_BYTES; // as if retention had deleted the first two
            MessageStores.open(small(slave).build()).close();
            MessageStores.seed(small(slave).build(), start);
            try (MessageStore s = MessageStores.open(small(slave).build()))
            {
                assertEquals(start, s.logStartOffset());
                assertEquals(start, s.logEndOffset());
                copyFrom(m, s, start, 4096);
                drain(s);
                assertSeededQueuesMatch(m, s);
            }
            try (MessageStore s = MessageStores.open(small(slave).build()))
            {
                assertSeededQueuesMatch(m, s); // recovery keeps where each queue starts
                appendMany(m, 900, 20);
                drain(m);
                copyFrom(m, s, s.logEndOffset(), 4096);
                drain(s);
                assertSeededQueuesMatch(m, s);
                assertEquals(1, s.messagesByKey("orders", "k919", 0, Long.MAX_VALUE, 10).size());
            }
        }
    }

    @Test
    void shouldRefuseToSeedAStoreWithRecordsOrAtAnOffsetThatIsNotASegmentBoundary()
    {
        try (MessageStore m = MessageStores.open(small(master).build()))
        {
            appendMany(m, 0, 3);
        }
        final InvalidArgumentException withRecords = assertThrows(InvalidArgumentException.class,
            () -> MessageStores.seed(small(master).build(), TestStores.SEGMENT_BYTES));
        assertTrue(withRecords.getMessage().contains("only a store without records"), withRecords.getMessage());
        final InvalidArgumentException unaligned = assertThrows(InvalidArgumentException.class,
            () -> MessageStores.seed(small(slave).build(), TestStores.SEGMENT_BYTES + 8));
        assertTrue(unaligned.getMessage().contains("segment boundary"), unaligned.getMessage());
        try (MessageStore m = MessageStores.open(small(master).build()))
        {
            assertEquals(3, m.maxOffset("orders", 0) + m.maxOffset("orders", 1) + m.maxOffset("orders", 2));
        }
    }

    /** The seeded slave serves, queue by queue, exactly what the master has from the slave's log start on. */
    private static void assertSeededQueuesMatch(final MessageStore m, final MessageStore s)
    {
        assertEquals(m.logEndOffset(), s.logEndOffset());
        for (int q = 0; q < 4; q++)
        {
            final long first = s.minOffset("orders", q);
            assertTrue(first > 0, "queue " + q + " starts after the master's first records: " + first);
            assertEquals(m.maxOffset("orders", q), s.maxOffset("orders", q));
            final List<StoredMessage> mine = readAll(s, "orders", q, first);
            final List<StoredMessage> masters = readAll(m, "orders", q, first);
            assertEquals(masters.size(), mine.size());
            assertEquals(text(masters.get(0)), text(mine.get(0)));
            assertEquals(text(masters.get(masters.size() - 1)), text(mine.get(mine.size() - 1)));
            assertTrue(mine.get(0).logOffset() >= s.logStartOffset());
        }
    }

    /** Copies the master's log from {@code offset} to the slave in chunks of at most {@code maxBytes}. */
    static void copyFrom(final MessageStore master, final MessageStore slave, final long offset, final int maxBytes)
    {
        long next = offset;
        while (next < master.logEndOffset())
        {
            final LogChunk chunk = master.readLog(next, maxBytes);
            next = slave.appendLog(chunk.offset(), chunk.bytes());
            drain(slave);
        }
    }

    static void appendMany(final MessageStore store, final int from, final int count)
    {
        for (int i = from; i < from + count; i++)
        {
            append(store, Message.builder("orders").tag("t" + (i % 3)).key("k" + i)
                .body("body-" + i + "-" + "x".repeat(120)).build(), i % 4);
        }
    }

    /** Copies the master's log to the slave in chunks of at most {@code maxBytes}. */
    static void copy(final MessageStore master, final MessageStore slave, final int maxBytes)
    {
        while (slave.logEndOffset() < master.logEndOffset())
        {
            final LogChunk chunk = master.readLog(slave.logEndOffset(), maxBytes);
            slave.appendLog(chunk.offset(), chunk.bytes());
            drain(slave);
        }
    }

    /** The whole log as chunks read back, fillers included. */
    static byte[] logBytes(final MessageStore store)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = 0;
        while (offset < store.logEndOffset())
        {
            final LogChunk chunk = store.readLog(offset, 1 << 20);
            out.writeBytes(chunk.bytes());
            offset = chunk.nextOffset();
        }
        return out.toByteArray();
    }
}

package io.rocklet.store.internal.index;

import io.rocklet.store.internal.file.MappedRegion;
import org.agrona.collections.LongArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

import static io.rocklet.store.internal.index.IndexDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class IndexFileTest
{
    private static final int SLOTS = 16;
    private static final int ENTRIES = 16;

    @TempDir
    Path dir;

    private MappedRegion region;

    @AfterEach
    void release()
    {
        if (region != null)
        {
            region.release();
        }
    }

    @Test
    void shouldInitialiseTheHeaderWhenTheFileIsNew()
    {
        final IndexFile file = open();

        assertNotNull(file, "a new file is accepted");
        assertEquals(MAGIC, region.buffer().getInt(MAGIC_OFFSET));
        assertEquals(SLOTS, region.buffer().getInt(SLOT_COUNT_OFFSET));
        assertEquals(ENTRIES, region.buffer().getInt(ENTRY_CAPACITY_OFFSET));
        assertEquals(0, file.entryCount());
        assertEquals(-1L, file.endLogOffset(), "nothing indexed");
        assertEquals(100L, file.baseLogOffset());
        assertEquals(fileBytes(SLOTS, ENTRIES), HEADER_LENGTH + SLOTS * SLOT_LENGTH + ENTRIES * ENTRY_LENGTH);
    }

    @Test
    void shouldFindEveryEntryOfAHashWhenEntriesShareASlot()
    {
        final IndexFile file = open();
        final int a = 5;
        final int b = 5 + SLOTS; // same slot, other hash

        file.put(a, 1000, 10);
        file.put(b, 2000, 20);
        file.put(a, 3000, 30);

        assertArrayEquals(new long[] {3000, 1000}, query(file, a, 0, Long.MAX_VALUE, 10), "newest first, chained");
        assertArrayEquals(new long[] {2000}, query(file, b, 0, Long.MAX_VALUE, 10));
        assertArrayEquals(new long[] {}, query(file, 6, 0, Long.MAX_VALUE, 10), "empty slot");
        assertEquals(3, file.entryCount());
        assertEquals(10, file.beginTimestampMs());
        assertEquals(30, file.endTimestampMs());
        assertEquals(3000, file.endLogOffset());
    }

    @Test
    void shouldHonourTimeRangeAndMaxWhenQuerying()
    {
        final IndexFile file = open();
        for (int i = 0; i < 5; i++)
        {
            file.put(7, 100L * i, 10L * i);
        }

        assertArrayEquals(new long[] {300, 200, 100}, query(file, 7, 10, 30, 10), "within [10, 30]");
        assertArrayEquals(new long[] {400, 300}, query(file, 7, 0, Long.MAX_VALUE, 2), "max 2, newest first");
    }

    @Test
    void shouldRefuseEntryWhenTheFileIsFull()
    {
        final IndexFile file = open();
        for (int i = 0; i < ENTRIES; i++)
        {
            assertTrue(file.put(i, i, i), "entry " + i);
        }

        assertTrue(file.isFull(), "full");
        assertFalse(file.put(99, 99, 99), "no room");
        assertEquals(ENTRIES, file.entryCount());
    }

    @Test
    void shouldRejectFileWhenHeaderIsDamagedOrGeometryDiffers() throws IOException
    {
        open().put(1, 1, 1);
        region.buffer().putInt(MAGIC_OFFSET, MAGIC ^ 0x10);

        assertNull(IndexFile.open(100, region, SLOTS, ENTRIES), "flipped magic bit");

        region.buffer().putInt(MAGIC_OFFSET, MAGIC);
        assertNotNull(IndexFile.open(100, region, SLOTS, ENTRIES), "repaired magic");
        assertNull(IndexFile.open(100, region, SLOTS * 2, ENTRIES), "other slot count");
        assertNull(IndexFile.open(100, region, SLOTS, ENTRIES * 2), "other capacity");
    }

    @Test
    void shouldKeepEntriesWhenReopened()
    {
        final IndexFile file = open();
        file.put(3, 300, 30);
        region.release();

        region = map();
        final IndexFile reopened = IndexFile.open(100, region, SLOTS, ENTRIES);

        assertNotNull(reopened, "intact file");
        assertEquals(1, reopened.entryCount());
        assertArrayEquals(new long[] {300}, query(reopened, 3, 0, Long.MAX_VALUE, 10));
    }

    @Test
    void shouldLoseOnlyTheCutEntriesWithoutLoopingWhenTheFileWasTruncated() throws IOException
    {
        final IndexFile file = open();
        for (int i = 0; i < 8; i++)
        {
            file.put(3, 100L * (i + 1), i + 1);
        }
        region.release();
        final long entriesStart = HEADER_LENGTH + (long)SLOTS * SLOT_LENGTH;
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("index").toFile(), "rw"))
        {
            raf.setLength(entriesStart + 5 * ENTRY_LENGTH + 3);
        }

        region = map();
        final IndexFile reopened = IndexFile.open(100, region, SLOTS, ENTRIES);

        assertNotNull(reopened, "the header survived");
        assertArrayEquals(new long[] {}, query(reopened, 3, 0, Long.MAX_VALUE, 10),
            "the slot points at a cut entry: the chain ends there");
    }

    @Test
    void shouldCountEntriesBackInWhenTheCountLagsAfterACrash()
    {
        final IndexFile file = open();
        for (int i = 0; i < 5; i++)
        {
            file.put(i, 100L * (i + 1), i + 1);
        }
        region.buffer().putInt(ENTRY_COUNT_OFFSET, 3);

        file.recountEntries();

        assertEquals(5, file.entryCount());
        assertTrue(file.put(9, 900, 9), "the next entry goes after the recounted ones");
        assertArrayEquals(new long[] {500}, query(file, 4, 0, Long.MAX_VALUE, 10), "entry 4 not overwritten");
    }

    @Test
    void shouldNotCountAnEntryItsSlotDoesNotReachWhenACrashCutItsPutShort()
    {
        final IndexFile file = open();
        file.put(4, 400, 4);
        file.put(5, 500, 5);
        // a third put wrote its entry, then the process died before it linked the entry into its slot
        final int third = HEADER_LENGTH + SLOTS * SLOT_LENGTH + 2 * ENTRY_LENGTH;
        region.buffer().putInt(third + ENTRY_HASH_OFFSET, 6);
        region.buffer().putLong(third + ENTRY_LOG_OFFSET_OFFSET, 600);
        region.buffer().putLong(third + ENTRY_TIMESTAMP_OFFSET, 6);

        file.recountEntries();

        assertEquals(2, file.entryCount(), "the unlinked entry is not counted");
        assertTrue(file.verify((hash, logOffset, timestamp) -> true), "and the file verifies");
    }

    @Test
    void shouldStopWalkingWhenAChainPointsForward()
    {
        final IndexFile file = open();
        file.put(3, 100, 1);
        file.put(3, 200, 2);
        final int firstEntry = HEADER_LENGTH + SLOTS * SLOT_LENGTH;
        region.buffer().putInt(firstEntry + ENTRY_PREV_OFFSET, 2); // entry 0 claims entry 1 came before it

        assertArrayEquals(new long[] {200, 100}, query(file, 3, 0, Long.MAX_VALUE, 10), "no endless loop");
    }

    private IndexFile open()
    {
        region = map();
        return IndexFile.open(100, region, SLOTS, ENTRIES);
    }

    private MappedRegion map()
    {
        return MappedRegion.map(dir.resolve("index"), (int)fileBytes(SLOTS, ENTRIES), false);
    }

    private static long[] query(final IndexFile file, final int hash, final long beginMs, final long endMs,
        final int max)
    {
        final LongArrayList out = new LongArrayList();
        assertEquals(file.query(hash, beginMs, endMs, max, out), out.size(), "returned count");
        return out.toLongArray();
    }
}

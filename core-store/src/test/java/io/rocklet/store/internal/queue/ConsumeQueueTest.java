package io.rocklet.store.internal.queue;

import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.TestStores;
import io.rocklet.store.internal.file.MappedRegion;
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

import static io.rocklet.store.internal.queue.ConsumeQueueDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class ConsumeQueueTest
{
    private static final int PER_FILE = 16;

    @TempDir
    Path dir;

    private ConsumeQueue queue;

    @AfterEach
    void close()
    {
        if (queue != null)
        {
            queue.close();
        }
    }

    @Test
    void shouldWriteFixedSizeEntriesInFilesNamedByFirstQueueOffset() throws IOException
    {
        queue = new ConsumeQueue(dir.resolve("q"), PER_FILE, false);

        for (int i = 0; i < 40; i++)
        {
            queue.append(i, 1000L * i, 100 + i, i % 3);
        }

        assertEquals(40, queue.maxOffset());
        assertEquals(0, queue.minOffset());
        assertEquals(List.of("00000000000000000000", "00000000000000000016", "00000000000000000032"), files());
        assertEquals(4096, Files.size(dir.resolve("q/00000000000000000016")), "16 entries, page-rounded");
        assertEntry(17, 17_000L, 117, 2);
        assertEquals(48, queue.fileEnd(40));
        assertEquals((35 % PER_FILE) * ENTRY_LENGTH, queue.entryIndex(35));
        assertNull(queue.retainFile(48), "no file past the end");
    }

    @Test
    void shouldRefuseEntryWhenItIsNotTheNextOffset()
    {
        queue = new ConsumeQueue(dir.resolve("q"), PER_FILE, false);
        queue.append(0, 0, 10, 0);

        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> queue.append(2, 0, 10, 0));

        assertTrue(e.getMessage().contains("expectedOffset=1") && e.getMessage().contains("queueOffset=2"),
            e.getMessage());
        assertEquals(1, queue.maxOffset(), "nothing written");
    }

    @Test
    void shouldDeleteWholeFilesButNeverTheLastWhenTrimmed() throws IOException
    {
        queue = new ConsumeQueue(dir.resolve("q"), PER_FILE, false);
        for (int i = 0; i < 40; i++)
        {
            queue.append(i, i, 10, 0);
        }

        assertEquals(1, queue.trimTo(20), "only the file wholly below 20");
        assertEquals(20, queue.minOffset());
        assertEquals(List.of("00000000000000000016", "00000000000000000032"), files());
        assertNull(queue.retainFile(15), "the deleted file is gone");
        assertEntry(20, 20, 10, 0);

        assertEquals(1, queue.trimTo(1000), "the last file stays");
        assertEquals(40, queue.minOffset(), "the minimum never passes the maximum");
        assertEquals(List.of("00000000000000000032"), files());
        assertEquals(0, queue.trimTo(10), "never lowers the minimum");
        assertEquals(40, queue.minOffset());
    }

    @Test
    void shouldRestartEmptyAtTheGivenOffsetWhenReset() throws IOException
    {
        queue = new ConsumeQueue(dir.resolve("q"), PER_FILE, false);
        for (int i = 0; i < 20; i++)
        {
            queue.append(i, i, 10, 0);
        }

        queue.reset(35);
        queue.append(35, 350, 10, 0);

        assertEquals(35, queue.minOffset());
        assertEquals(36, queue.maxOffset());
        assertEquals(List.of("00000000000000000032"), files());
        assertEntry(35, 350, 10, 0);
    }

    @Test
    void shouldRebuildQueueWhenItsLastFileWasTruncatedOnDisk() throws IOException
    {
        final List<AppendResult> appended = appendAndClose(50);
        truncate("00000000000000000048", ENTRY_LENGTH + 7);

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertRecovered(store, appended, true);
        }
    }

    @Test
    void shouldRebuildQueueWhenAMiddleFileWasTruncatedToNothing() throws IOException
    {
        final List<AppendResult> appended = appendAndClose(50);
        truncate("00000000000000000016", 0);

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertRecovered(store, appended, true);
        }
    }

    @Test
    void shouldRebuildQueueWhenAMiddleFileWasCutInHalf() throws IOException
    {
        final List<AppendResult> appended = appendAndClose(50);
        truncate("00000000000000000032", 8 * ENTRY_LENGTH);

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertRecovered(store, appended, true);
        }
    }

    @Test
    void shouldRebuildQueueWhenAMiddleFileIsMissing() throws IOException
    {
        final List<AppendResult> appended = appendAndClose(50);
        Files.delete(queueDirectory().resolve("00000000000000000016"));

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertRecovered(store, appended, true);
        }
    }

    @Test
    void shouldRebuildQueueWhenItsDirectoryIsMissing() throws IOException
    {
        final List<AppendResult> appended = appendAndClose(50);
        io.rocklet.store.internal.file.FileNames.deleteTree(queueDirectory());

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertRecovered(store, appended, true);
        }
    }

    @Test
    void shouldLoadQueueUnchangedWhenFilesAreIntact() throws IOException
    {
        final List<AppendResult> appended = appendAndClose(50);

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertRecovered(store, appended, false);
        }
    }

    private List<AppendResult> appendAndClose(final int count)
    {
        final List<AppendResult> appended = new ArrayList<>();
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            for (int i = 0; i < count; i++)
            {
                appended.add(TestStores.append(store, "orders", 0, "m" + i));
                TestStores.append(store, "orders", 1, "other" + i);
            }
            TestStores.drain(store);
        }
        return appended;
    }

    private void assertRecovered(final MessageStore store, final List<AppendResult> appended, final boolean rebuilt)
    {
        final RecoveryReport report = store.recoveryReport();
        assertEquals(rebuilt ? List.of("orders:0") : List.of(), report.rebuiltQueues(), report.toString());
        assertEquals(appended.size(), store.maxOffset("orders", 0), report.toString());
        final List<StoredMessage> messages = TestStores.readAll(store, "orders", 0, 0);
        assertEquals(appended.size(), messages.size());
        for (int i = 0; i < appended.size(); i++)
        {
            assertEquals("m" + i, TestStores.text(messages.get(i)), "message " + i);
            assertEquals(appended.get(i).logOffset(), messages.get(i).logOffset(), "message " + i);
        }
        assertEquals(appended.size(), store.maxOffset("orders", 1), "the other queue is untouched");
        final AppendResult next = TestStores.append(store, "orders", 0, "next");
        assertEquals(appended.size(), next.queueOffset(), "appends continue densely");
    }

    private Path queueDirectory()
    {
        return dir.resolve("consumequeue/orders/0");
    }

    private void truncate(final String file, final long length) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(queueDirectory().resolve(file).toFile(), "rw"))
        {
            raf.setLength(length);
        }
    }

    private void assertEntry(final long queueOffset, final long logOffset, final int size, final long tagCode)
    {
        final MappedRegion file = queue.retainFile(queueOffset);
        assertNotNull(file, "file of offset " + queueOffset);
        try
        {
            final int index = queue.entryIndex(queueOffset);
            assertEquals(logOffset, file.buffer().getLong(index + LOG_OFFSET_OFFSET), "log offset of " + queueOffset);
            assertEquals(size, file.buffer().getInt(index + SIZE_OFFSET), "size of " + queueOffset);
            assertEquals(tagCode, file.buffer().getLong(index + TAG_CODE_OFFSET), "tag code of " + queueOffset);
        }
        finally
        {
            file.release();
        }
    }

    private List<String> files() throws IOException
    {
        try (Stream<Path> files = Files.list(queue.directory()))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

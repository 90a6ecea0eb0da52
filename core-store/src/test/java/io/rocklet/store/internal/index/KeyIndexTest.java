package io.rocklet.store.internal.index;

import io.rocklet.api.Message;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.TestStores;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class KeyIndexTest
{
    private static final int SLOTS = 16;
    private static final int ENTRIES = 16;
    private static final byte[] ORDERS = "orders".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private KeyIndex index;

    @AfterEach
    void close()
    {
        if (index != null)
        {
            index.close();
        }
    }

    @Test
    void shouldFindOffsetsOfAKeyInAscendingOrderWhenQueried()
    {
        index = open();
        put(ORDERS, "k1", 300, 3);
        put(ORDERS, "k2", 200, 2);
        put(ORDERS, "k1", 100, 1);
        put("invoices".getBytes(StandardCharsets.US_ASCII), "k1", 400, 4);

        assertArrayEquals(new long[] {100, 300}, index.query("orders", "k1", 0, Long.MAX_VALUE, 10));
        assertArrayEquals(new long[] {200}, index.query("orders", "k2", 0, Long.MAX_VALUE, 10));
        assertArrayEquals(new long[] {400}, index.query("invoices", "k1", 0, Long.MAX_VALUE, 10), "per topic");
        assertArrayEquals(new long[] {300}, index.query("orders", "k1", 2, 3, 10), "time range");
        assertArrayEquals(new long[] {}, index.query("orders", "nope", 0, Long.MAX_VALUE, 10));
    }

    @Test
    void shouldRollToAFileNamedByTheLogOffsetWhenTheActiveFileIsFull() throws IOException
    {
        index = open();
        for (int i = 0; i < 40; i++)
        {
            put(ORDERS, "k", 1000L + i, i);
        }

        assertEquals(3, index.files().length);
        assertEquals(List.of("00000000000000001000", "00000000000000001016", "00000000000000001032"), files());
        final long[] all = index.query("orders", "k", 0, Long.MAX_VALUE, 100);
        assertEquals(40, all.length, "every file searched");
        assertEquals(1000L, all[0]);
        assertEquals(1039L, all[39]);
        assertEquals(5, index.query("orders", "k", 0, Long.MAX_VALUE, 5).length, "max");
    }

    @Test
    void shouldDeleteOnlyFilesBelowTheMinimumAndNeverTheNewestWhenTrimmed() throws IOException
    {
        index = open();
        for (int i = 0; i < 40; i++)
        {
            put(ORDERS, "k", 1000L + i, i);
        }

        assertEquals(1, index.trimTo(1020), "the first file ends at 1015");
        assertEquals(List.of("00000000000000001016", "00000000000000001032"), files());
        assertEquals(1, index.trimTo(Long.MAX_VALUE), "the newest stays");
        assertEquals(List.of("00000000000000001032"), files());
    }

    @Test
    void shouldDeleteAndReportAFileWhenItsHeaderIsDamaged() throws IOException
    {
        index = open();
        for (int i = 0; i < 20; i++)
        {
            put(ORDERS, "k", 1000L + i, i);
        }
        index.close();
        flipByte(dir.resolve("index/00000000000000001000"), IndexDescriptor.MAGIC_OFFSET);

        index = new KeyIndex(dir, SLOTS, ENTRIES, false);
        final List<Long> damaged = index.load();

        assertEquals(List.of(1000L), damaged);
        assertEquals(List.of("00000000000000001016"), files());
        assertEquals(4, index.query("orders", "k", 0, Long.MAX_VALUE, 100).length, "the intact file is loaded");
    }

    @Test
    void shouldReportAFileAsDamagedWhenItWasTruncated() throws IOException
    {
        index = open();
        for (int i = 0; i < 20; i++)
        {
            put(ORDERS, "k", 1000L + i, i);
        }
        index.close();
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("index/00000000000000001000").toFile(), "rw"))
        {
            raf.setLength(IndexDescriptor.fileBytes(SLOTS, ENTRIES) / 2);
        }

        index = new KeyIndex(dir, SLOTS, ENTRIES, false);
        final List<Long> damaged = index.load();

        assertEquals(List.of(1000L), damaged, "a short file lost entries: it must be rebuilt");
    }

    @Test
    void shouldRebuildKeysWhenAnIndexFileHeaderIsDamagedInAStore() throws IOException
    {
        final List<AppendResult> appended = appendKeyedAndClose();
        final Path file = firstIndexFile();
        flipByte(file, IndexDescriptor.MAGIC_OFFSET + 1);

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertKeysFound(store, appended);
        }
    }

    @Test
    void shouldRebuildKeysWhenAnIndexFileWasTruncatedInAStore() throws IOException
    {
        final List<AppendResult> appended = appendKeyedAndClose();
        try (RandomAccessFile raf = new RandomAccessFile(firstIndexFile().toFile(), "rw"))
        {
            raf.setLength(IndexDescriptor.HEADER_LENGTH + 64 * IndexDescriptor.SLOT_LENGTH + 10);
        }

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertKeysFound(store, appended);
        }
    }

    @Test
    void shouldRebuildKeysWhenAnIndexFileIsMissingInAStore() throws IOException
    {
        final List<AppendResult> appended = appendKeyedAndClose();
        Files.delete(firstIndexFile());

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            assertKeysFound(store, appended);
        }
    }

    private List<AppendResult> appendKeyedAndClose()
    {
        final List<AppendResult> appended = new ArrayList<>();
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            for (int i = 0; i < 100; i++)
            {
                appended.add(TestStores.append(store, Message.builder("orders").key("k" + i).body("m" + i).build(),
                    i % 2));
            }
            TestStores.drain(store);
        }
        return appended;
    }

    private static void assertKeysFound(final MessageStore store, final List<AppendResult> appended)
    {
        final RecoveryReport report = store.recoveryReport();
        assertFalse(report.rebuiltIndexFiles().isEmpty(), "the damage is reported: " + report);
        for (int i = 0; i < appended.size(); i++)
        {
            final List<io.rocklet.store.StoredMessage> found = store.messagesByKey("orders", "k" + i, 0,
                Long.MAX_VALUE, 10);
            assertEquals(1, found.size(), "key k" + i + ": " + report);
            assertEquals(appended.get(i).logOffset(), found.get(0).logOffset(), "key k" + i);
        }
    }

    private Path firstIndexFile() throws IOException
    {
        try (Stream<Path> files = Files.list(dir.resolve(KeyIndex.DIRECTORY)))
        {
            return files.sorted().findFirst().orElseThrow();
        }
    }

    private KeyIndex open()
    {
        final KeyIndex keyIndex = new KeyIndex(dir, SLOTS, ENTRIES, false);
        keyIndex.load();
        return keyIndex;
    }

    private void put(final byte[] topic, final String key, final long logOffset, final long timestampMs)
    {
        final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        index.put(topic, new UnsafeBuffer(bytes), 0, bytes.length, logOffset, timestampMs);
    }

    private static void flipByte(final Path file, final int position) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            final int value = raf.read();
            raf.seek(position);
            raf.write(value ^ 0x01);
        }
    }

    private List<String> files() throws IOException
    {
        try (Stream<Path> files = Files.list(index.directory()))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

package io.rocklet.store.crash;

import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Damage that happens while the store runs, after recovery verified the log: a read never hands out
 * garbage. A damaged header is an error for that record at once; a damaged body is one when reads verify
 * the CRC ({@code verifyCrcOnRead}). The records around it read as before.
 */
class ReadVerificationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAnswerDamagedForThatRecordOnlyWhenItsBodyIsDamagedAndReadsVerifyTheCrc() throws IOException
    {
        try (MessageStore store = MessageStores.open(config(true)))
        {
            final List<AppendResult> written = append(store);
            damage(written.get(1).logOffset() + written.get(1).recordBytes() - 2);

            final ReadResult first = store.read("orders", 0, 0, 10, 1 << 20, TagFilter.ALL);
            assertEquals(ReadStatus.FOUND, first.status(), first::toString);
            assertEquals(1, first.messages().size(), "the batch stops before the damaged record: " + first);
            final ReadResult damaged = store.read("orders", 0, 1, 10, 1 << 20, TagFilter.ALL);
            assertEquals(ReadStatus.DAMAGED_MESSAGE, damaged.status(), damaged::toString);
            assertEquals(2, damaged.nextOffset(), "the next read goes past it");
            final ReadResult after = store.read("orders", 0, 2, 10, 1 << 20, TagFilter.ALL);
            assertEquals(List.of("m2", "m3"), after.messages().stream().map(TestStores::text).toList());
            assertTrue(store.messageById(written.get(1).messageId()).isEmpty(), "not by id either");
            assertEquals(List.of(), store.messagesByKey("orders", "k1", 0, Long.MAX_VALUE, 4), "nor by key");
        }
    }

    @Test
    void shouldAnswerDamagedWhenAHeaderIsDamagedEvenWithoutCrcChecks() throws IOException
    {
        try (MessageStore store = MessageStores.open(config(false)))
        {
            final List<AppendResult> written = append(store);
            damage(written.get(2).logOffset() + 25); // inside the record's own log offset field

            final ReadResult damaged = store.read("orders", 0, 2, 10, 1 << 20, TagFilter.ALL);
            assertEquals(ReadStatus.DAMAGED_MESSAGE, damaged.status(), damaged::toString);
            assertEquals(3, damaged.nextOffset());
            assertEquals("m3", TestStores.text(store.read("orders", 0, 3, 10, 1 << 20, TagFilter.ALL).messages()
                .get(0)));
        }
    }

    private StoreConfig config(final boolean verifyCrc)
    {
        return TestStores.small(dir).verifyCrcOnRead(verifyCrc).build();
    }

    private static List<AppendResult> append(final MessageStore store)
    {
        final List<AppendResult> written = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            written.add(TestStores.append(store, Message.builder("orders").key("k" + i).body("m" + i).build(), 0));
        }
        TestStores.drain(store);
        return written;
    }

    /** Flips one byte of the live segment file (the store's mapping sees it: same page cache). */
    private void damage(final long logOffset) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("commitlog/00000000000000000000").toFile(), "rw"))
        {
            file.seek(logOffset);
            final int value = file.read();
            file.seek(logOffset);
            file.write(value ^ 0x5A);
        }
    }
}

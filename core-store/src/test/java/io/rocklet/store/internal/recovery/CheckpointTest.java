package io.rocklet.store.internal.recovery;

import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest
{
    private static final Checkpoint SAMPLE = new Checkpoint(123_456L, 1_700_000_000_000L,
        List.of(new Checkpoint.QueueMark("orders", 0, 3, 42), new Checkpoint.QueueMark("%RETRY%group-1", 65_535, 0, 7)),
        List.of(0L, 98_304L));

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatWasWrittenWhenRoundTripped()
    {
        SAMPLE.write(dir, true);

        assertEquals(SAMPLE, Checkpoint.read(dir));
        assertFalse(Files.exists(dir.resolve(Checkpoint.FILE + ".tmp")), "the temporary file was renamed");
    }

    @Test
    void shouldReplaceThePreviousCheckpointWhenWrittenAgain()
    {
        SAMPLE.write(dir, false);
        final Checkpoint next = new Checkpoint(200_000L, 1L, List.of(), List.of());

        next.write(dir, false);

        assertEquals(next, Checkpoint.read(dir));
    }

    @Test
    void shouldReturnNullWhenThereIsNoCheckpoint()
    {
        assertNull(Checkpoint.read(dir));
    }

    @Test
    void shouldIgnoreCheckpointWhenTruncatedAnywhere() throws IOException
    {
        SAMPLE.write(dir, false);
        final long length = Files.size(dir.resolve(Checkpoint.FILE));

        for (long cut = 0; cut < length; cut++)
        {
            SAMPLE.write(dir, false);
            try (RandomAccessFile raf = new RandomAccessFile(dir.resolve(Checkpoint.FILE).toFile(), "rw"))
            {
                raf.setLength(cut);
            }

            assertNull(Checkpoint.read(dir), "cut to " + cut + " of " + length + " bytes");
        }
    }

    @Test
    void shouldIgnoreCheckpointWhenAnyBitIsFlipped() throws IOException
    {
        SAMPLE.write(dir, false);
        final byte[] original = Files.readAllBytes(dir.resolve(Checkpoint.FILE));

        for (int bit = 0; bit < original.length * 8; bit++)
        {
            final byte[] damaged = original.clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            Files.write(dir.resolve(Checkpoint.FILE), damaged);

            assertNull(Checkpoint.read(dir), "bit " + bit + " flipped");
        }
    }

    @Test
    void shouldIgnoreCheckpointWhenItIsGarbage() throws IOException
    {
        Files.write(dir.resolve(Checkpoint.FILE), new byte[100]);
        assertNull(Checkpoint.read(dir), "zeros");

        Files.writeString(dir.resolve(Checkpoint.FILE), "not a checkpoint at all, but long enough to be read");
        assertNull(Checkpoint.read(dir), "text");
    }

    @Test
    void shouldRecoverEverythingFromTheLogWhenTheStoresCheckpointIsDamaged() throws IOException
    {
        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            for (int i = 0; i < 30; i++)
            {
                TestStores.append(store, io.rocklet.api.Message.builder("orders").key("k" + i).body("m" + i).build(),
                    i % 3);
            }
            TestStores.drain(store);
        }
        final byte[] bytes = Files.readAllBytes(dir.resolve(Checkpoint.FILE));
        bytes[10] ^= 0x40;
        Files.write(dir.resolve(Checkpoint.FILE), bytes);

        try (MessageStore store = MessageStores.open(TestStores.small(dir).build()))
        {
            final RecoveryReport report = store.recoveryReport();

            assertEquals(0, report.checkpointPosition(), "scanned from the start: " + report);
            assertEquals(0, report.droppedBytes(), report.toString());
            for (int q = 0; q < 3; q++)
            {
                assertEquals(10, store.maxOffset("orders", q), "queue " + q + ": " + report);
                assertEquals(10, TestStores.readAll(store, "orders", q, 0).size(), "queue " + q);
            }
            assertEquals(1, store.messagesByKey("orders", "k29", 0, Long.MAX_VALUE, 10).size());
            assertEquals(10, TestStores.append(store, "orders", 0, "next").queueOffset());
        }
    }
}

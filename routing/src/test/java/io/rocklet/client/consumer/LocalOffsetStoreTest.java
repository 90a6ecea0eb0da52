package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class LocalOffsetStoreTest
{
    private static final MessageQueue Q0 = new MessageQueue("T", "b1", 0);
    private static final MessageQueue Q1 = new MessageQueue("T", "b1", 1);
    private static final MessageQueue R0 = new MessageQueue("%RETRY%g", "b2", 0);

    @TempDir
    Path directory;

    @Test
    void shouldReloadCommittedOffsetsWhenReopened()
    {
        final LocalOffsetStore store = new LocalOffsetStore(directory, "node", "%grp|1");
        assertEquals(-1L, store.read(Q0).join());
        store.commit(Map.of(Q0, 5L, Q1, 7L)).join();
        store.commit(Map.of(Q0, 9L, R0, 2L)).join();

        final LocalOffsetStore reopened = new LocalOffsetStore(directory, "node", "%grp|1");

        assertEquals(9L, reopened.read(Q0).join());
        assertEquals(7L, reopened.read(Q1).join());
        assertEquals(2L, reopened.read(R0).join());
        assertTrue(Files.exists(reopened.file()));
        assertFalse(Files.exists(directory.resolve(reopened.file().getFileName() + ".tmp")));
    }

    @Test
    void shouldKeepGroupsApartWhenTheyShareADirectory()
    {
        new LocalOffsetStore(directory, "node", "a").commit(Map.of(Q0, 1L)).join();
        new LocalOffsetStore(directory, "node", "b").commit(Map.of(Q0, 2L)).join();

        assertEquals(1L, new LocalOffsetStore(directory, "node", "a").read(Q0).join());
        assertEquals(2L, new LocalOffsetStore(directory, "node", "b").read(Q0).join());
    }

    @Test
    void shouldKeepInstancesApartWhenOneGroupSharesADirectory()
    {
        final LocalOffsetStore first = new LocalOffsetStore(directory, "node-a", "g");
        final LocalOffsetStore second = new LocalOffsetStore(directory, "node/b", "g");
        first.commit(Map.of(Q0, 10L)).join();
        second.commit(Map.of(Q0, 3L)).join();
        first.commit(Map.of(Q1, 4L)).join();

        assertEquals(10L, new LocalOffsetStore(directory, "node-a", "g").read(Q0).join());
        assertEquals(3L, new LocalOffsetStore(directory, "node/b", "g").read(Q0).join());
        assertEquals(-1L, new LocalOffsetStore(directory, "node/b", "g").read(Q1).join());
        assertEquals(directory, second.file().getParent().getParent(), "one subdirectory per instance");
    }

    @Test
    void shouldSkipTheTornLineWhenTheFileIsTruncated() throws IOException
    {
        final LocalOffsetStore store = new LocalOffsetStore(directory, "node", "g");
        store.commit(Map.of(Q0, 123L, Q1, 456L)).join();
        final byte[] bytes = Files.readAllBytes(store.file());
        Files.write(store.file(), Arrays.copyOf(bytes, bytes.length - 6));

        final LocalOffsetStore reopened = new LocalOffsetStore(directory, "node", "g");

        assertEquals(123L, reopened.read(Q0).join());
        assertEquals(-1L, reopened.read(Q1).join(), "the torn line is skipped");
    }

    @Test
    void shouldSkipMalformedLinesWhenTheFileWasEditedByHand() throws IOException
    {
        final LocalOffsetStore store = new LocalOffsetStore(directory, "node", "g");
        Files.writeString(store.file(), "# header\nT\tb1\t0\t11\nT\tb1\tx\t3\nT\tb1\t1\t-4\ngarbage\n",
            StandardCharsets.UTF_8);

        final LocalOffsetStore reopened = new LocalOffsetStore(directory, "node", "g");

        assertEquals(11L, reopened.read(Q0).join());
        assertEquals(-1L, reopened.read(Q1).join());
    }
}

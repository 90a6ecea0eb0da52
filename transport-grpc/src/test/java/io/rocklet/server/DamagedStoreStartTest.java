package io.rocklet.server;

import io.rocklet.api.Message;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A broker server whose commit log lost acknowledged records below its checkpoint, with nothing intact after
 * the damage, refuses to start: exit status 1 and a message naming the segment file, the offset and the
 * {@code --repair-damaged-log} option, instead of cutting the log silently.
 */
@Timeout(60)
class DamagedStoreStartTest
{
    @TempDir
    Path data;

    @Test
    void shouldRefuseToStartNamingFileOffsetAndRepairFlagWhenAcknowledgedDataIsLost() throws Exception
    {
        final StoreConfig config = StoreConfig.builder(data.resolve("store")).segmentSizeBytes(8 << 20).build();
        AppendResult last = null;
        try (MessageStore store = MessageStores.open(config))
        {
            for (int i = 0; i < 10; i++)
            {
                last = store.append(AppendRequest.of(Message.builder("t").body("m" + i).build(), 0));
            }
        }
        final Path segment = data.resolve("store/commitlog/00000000000000000000");
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw"))
        {
            file.setLength(last.logOffset() + 10); // the last record is cut short: acknowledged data lost
        }
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        final int status = ServerMain.run(new String[] {"broker", "--name", "b", "--routers", "127.0.0.1:1",
            "--data", data.toString(), "--port", "0", "--segment-size", "8m", "--plaintext", "--no-auth"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        final String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, message);
        assertTrue(message.contains("STORE_DAMAGED") || message.contains("damaged"), message);
        assertTrue(message.contains(segment.toString()), message);
        assertTrue(message.contains("logOffset=" + last.logOffset()), message);
        assertTrue(message.contains("--repair-damaged-log"), message);
    }
}

package io.rocklet.store;

import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Helpers shared by the store's tests: a small, deterministic configuration (INVOKER threads, tiny
 * files, no fsync) and a few one-liners. Not a test itself.
 */
public final class TestStores
{
    /** A plausible wall-clock start for tests that inject a clock. */
    public static final long START_MS = 1_700_000_000_000L;
    public static final int SEGMENT_BYTES = 64 * 1024;

    private TestStores()
    {
    }

    /**
     * @param directory the data directory.
     * @return 64 KiB segments, 16-entry consume-queue files, small index files, no fsync, INVOKER mode.
     */
    public static StoreConfig.Builder small(final Path directory)
    {
        return StoreConfig.builder(directory)
            .segmentSizeBytes(SEGMENT_BYTES)
            .maxBodyBytes(16 * 1024)
            .consumeQueueEntriesPerFile(16)
            .indexSlotsPerFile(64)
            .indexEntriesPerFile(64)
            .fsync(false)
            .preallocate(false)
            .threadingMode(ThreadingMode.INVOKER);
    }

    /**
     * Runs the agents until they have nothing left to do.
     */
    public static void drain(final MessageStore store)
    {
        for (int i = 0; i < 10_000; i++)
        {
            if (store.doWork() == 0)
            {
                return;
            }
        }
        fail("the store's agents did not go idle");
    }

    public static AppendResult append(final MessageStore store, final String topic, final int queueId,
        final String body)
    {
        return store.append(AppendRequest.of(Message.builder(topic).body(body).build(), queueId));
    }

    public static AppendResult append(final MessageStore store, final Message message, final int queueId)
    {
        return store.append(AppendRequest.of(message, queueId));
    }

    public static String text(final StoredMessage message)
    {
        return new String(message.bodyBytes(), StandardCharsets.UTF_8);
    }

    /**
     * @return every message of the queue from {@code offset} on, read in one go.
     */
    public static List<StoredMessage> readAll(final MessageStore store, final String topic, final int queueId,
        final long offset)
    {
        final ReadResult result = store.read(topic, queueId, offset, Integer.MAX_VALUE, Integer.MAX_VALUE,
            TagFilter.ALL);
        assertEquals(ReadStatus.FOUND, result.status(), "read of " + topic + ":" + queueId + " from " + offset);
        return result.messages();
    }
}

package io.rocklet.store.crash;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.TagFilter;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.FlushMode;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fills a small real file system (a tmpfs this test mounts) with SYNC appends of 4 KiB and no consumer
 * until the store refuses writes, keeps trying while retention runs under disk pressure, frees space,
 * restarts: every acknowledged message is still there, nothing unexpired was deleted, and writes work
 * again. Skipped, with the reason, where a tmpfs cannot be mounted (it needs root).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiskFullTest
{
    private static final Logger LOG = LoggerFactory.getLogger(DiskFullTest.class);
    private static final int FILE_SYSTEM_MIB = 48;
    private static final int BALLAST_MIB = 8;
    private static final int BODY_BYTES = 4096;
    /** Appends tried after the first refusal, while retention keeps running. */
    private static final int ATTEMPTS_AFTER_FULL = 2_000;

    @TempDir
    static Path tempDir;
    private static Path mount;
    private static String mountProblem = "";

    @BeforeAll
    static void mountFileSystem() throws Exception
    {
        mount = tempDir.resolve("small-fs");
        Files.createDirectories(mount);
        final Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + FILE_SYSTEM_MIB + "m",
            "tmpfs", mount.toString()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            mountProblem = "cannot mount a " + FILE_SYSTEM_MIB + " MiB tmpfs at " + mount + " (needs root): " + output;
            mount = null;
        }
    }

    @AfterAll
    static void unmount() throws Exception
    {
        if (mount != null)
        {
            // lazy: the JVM may still hold a mapping of a closed store for a moment; the mount goes when it is released
            new ProcessBuilder("umount", "--lazy", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldLoseNothingAcknowledgedWhenTheDiskFillsWithoutAConsumer() throws IOException
    {
        assumeTrue(mount != null, () -> "skipped: " + mountProblem);
        final Path ballast = mount.resolve("ballast");
        Files.write(ballast, new byte[BALLAST_MIB * 1024 * 1024]);
        final Path data = mount.resolve("store");
        final List<Long> acknowledged = new ArrayList<>();
        int refusals = 0;
        try (MessageStore store = MessageStores.open(config(data)))
        {
            while (refusals < ATTEMPTS_AFTER_FULL)
            {
                try
                {
                    final AppendResult result = store.append(request(acknowledged.size()));
                    assertEquals(acknowledged.size(), result.queueOffset(), "offsets stay dense");
                    acknowledged.add(result.logOffset());
                }
                catch (final RockletException e)
                {
                    assertEquals(ErrorCode.DISK_FULL, e.errorCode(), e::toString);
                    assertTrue(e.retriable(), e::toString);
                    refusals++;
                }
            }
            LOG.info("disk full: acknowledged={}, refusals={}, stats={}", acknowledged.size(), refusals, store.stats());
            assertTrue(acknowledged.size() > 1_000, "the test wants the disk filled by messages");
            assertEquals(0, store.stats().minLogOffset(), "no segment was deleted: " + store.stats());
        }
        Files.delete(ballast);
        try (MessageStore store = MessageStores.open(config(data)))
        {
            assertEquals(0, store.minOffset("full", 0));
            assertEquals(acknowledged.size(), store.maxOffset("full", 0), "every acknowledged message is there");
            long offset = 0;
            while (offset < acknowledged.size())
            {
                final ReadResult read = store.read("full", 0, offset, 256, 4 << 20, TagFilter.ALL);
                assertEquals(ReadStatus.FOUND, read.status(), read::toString);
                for (final var message : read.messages())
                {
                    assertEquals(acknowledged.get((int)offset), message.logOffset());
                    assertEquals(offset, ByteBuffer.wrap(message.bodyBytes()).getLong(), "intact body");
                    offset++;
                }
            }
            final AppendResult next = awaitWritable(store, acknowledged.size());
            assertEquals(acknowledged.size(), next.queueOffset(), "writes work again once there is room");
        }
    }

    /** The write gate opens at the next retention check after space was freed. */
    private static AppendResult awaitWritable(final MessageStore store, final int sequence)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try
            {
                return store.append(request(sequence));
            }
            catch (final RockletException e)
            {
                assertEquals(ErrorCode.DISK_FULL, e.errorCode(), e::toString);
                assertTrue(System.nanoTime() < deadline, "still refused 30 s after space was freed: " + e);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    private static AppendRequest request(final long sequence)
    {
        final byte[] body = new byte[BODY_BYTES];
        ByteBuffer.wrap(body).putLong(sequence);
        return AppendRequest.of(Message.builder("full").body(body).build(), 0);
    }

    private static StoreConfig config(final Path directory)
    {
        return StoreConfig.builder(directory)
            .segmentSizeBytes(4 * 1024 * 1024)
            .maxBodyBytes(64 * 1024)
            .consumeQueueEntriesPerFile(16_384)
            .flushMode(FlushMode.SYNC)
            .retentionCheckInterval(Duration.ofMillis(10))
            .build();
    }
}

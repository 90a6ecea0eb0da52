package io.rocklet.broker.internal;

import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.TestStores;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The broker's state files: written whole and renamed, read back, and usable up to the cut when truncated.
 */
@Timeout(60)
class BrokerFilesTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadRecordsBackWhenWritten()
    {
        final Path file = dir.resolve("sub/file");
        BrokerFiles.write(file, "test", List.of("a 1", "b 2"), true);
        BrokerFiles.write(file, "test", List.of("c 3"), true);

        final List<String[]> records = BrokerFiles.read(file);

        assertEquals(1, records.size());
        assertArrayEquals(new String[] {"c", "3"}, records.get(0));
        assertFalse(Files.exists(dir.resolve("sub/file.tmp")));
        assertEquals(List.of(), BrokerFiles.read(dir.resolve("missing")));
    }

    @Test
    void shouldLoadTopicsBeforeTheCutWhenTopicFileIsTruncated() throws IOException
    {
        final TopicConfigStore topics = TopicConfigStore.load(dir, false, 1);
        final List<TopicConfig> written = List.of(TopicConfig.of("audit", 1),
            new TopicConfig("orders", 4, 8, TopicConfig.PERM_READ, true), TopicConfig.of("payments", 16));
        written.forEach(topics::put);
        final Path file = dir.resolve(TopicConfigStore.FILE);
        final long length = Files.size(file);
        assertEquals(written, TopicConfigStore.load(dir, false, 1).all());

        for (long cut = length - 1; cut >= 0; cut--)
        {
            truncate(file, cut);
            final List<TopicConfig> loaded = TopicConfigStore.load(dir, false, 1).all();
            assertTrue(written.containsAll(loaded), "cut at " + cut + ": " + loaded);
        }
    }

    @Test
    void shouldKeepVersionGrowingWhenTopicsChangeAndReload()
    {
        final TopicConfigStore topics = TopicConfigStore.load(dir, false, 1);
        final long first = topics.dataVersion();
        assertTrue(topics.put(TopicConfig.of("orders", 4)));
        assertFalse(topics.put(TopicConfig.of("orders", 4)), "no change");
        assertEquals(TopicConfig.of("orders", 4), topics.putIfAbsent(TopicConfig.of("orders", 8)));
        final long second = topics.dataVersion();

        assertEquals(first + 1, second);
        assertTrue(TopicConfigStore.load(dir, false, 1).dataVersion() > second);
        assertEquals(1000, TopicConfigStore.load(dir, false, 1000).dataVersion(), "never below the floor");
    }

    @Test
    void shouldLoadOffsetsBeforeTheCutWhenOffsetFileIsTruncated() throws IOException
    {
        final OffsetTable offsets = OffsetTable.load(dir, false);
        offsets.commit("group-a", "orders", 0, 10);
        offsets.commit("group-a", "orders", 1, 11);
        offsets.commit("group-b", "%RETRY%group-b", 0, 12);
        assertEquals(1, offsets.persist());
        assertEquals(0, offsets.persist(), "nothing changed");
        final Path file = dir.resolve(OffsetTable.FILE);

        for (long cut = Files.size(file); cut >= 0; cut--)
        {
            truncate(file, cut);
            final OffsetTable loaded = OffsetTable.load(dir, false);
            for (final long found : new long[] {loaded.query("group-a", "orders", 0),
                loaded.query("group-a", "orders", 1), loaded.query("group-b", "%RETRY%group-b", 0)})
            {
                assertTrue(found == -1 || found >= 10, "cut at " + cut + ": " + found);
            }
        }
    }

    @Test
    void shouldSkipMalformedRecordsWhenLoading() throws IOException
    {
        Files.writeString(dir.resolve(OffsetTable.FILE),
            "# rocklet consumer-offsets v1\ng t 0 5\ng t x 6\ng t 1\ng t 2 -3\ng t 3 7\n# end\n");

        final OffsetTable loaded = OffsetTable.load(dir, false);

        assertEquals(5, loaded.query("g", "t", 0));
        assertEquals(-1, loaded.query("g", "t", 2));
        assertEquals(7, loaded.query("g", "t", 3));
    }

    @Test
    void shouldResumeDelayOffsetsWhenReloaded() throws IOException
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(TestStores.START_MS);
        try (MessageStore store = MessageStores.open(TestStores.small(dir.resolve("store")).clock(clock).build()))
        {
            for (int i = 0; i < 5; i++)
            {
                store.append(AppendRequest.of(DelayLevels.toSchedule(Message.builder("orders").body("m" + i).build(),
                    0, 1), DelayLevels.scheduleQueue(1)));
            }
            TestStores.drain(store);
            Files.writeString(dir.resolve(ScheduleService.FILE),
                "# rocklet delay-offsets v1\n1 3\n2 x\n9 3\n1 4\n# end\n");
            final DelayLevels levels = new DelayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)));
            final ScheduleService schedule = ScheduleService.load(store, levels, clock, dir, false);
            assertEquals(0, schedule.persist(), "loaded offsets are not a change");
            clock.advance(1000);

            assertEquals(2, schedule.deliverDue(), "m4 counted as pending, then delivered: the first four were " +
                "delivered before");
            TestStores.drain(store);
            assertEquals(List.of("m4"), TestStores.readAll(store, "orders", 0, 0).stream().map(TestStores::text)
                .toList());
            assertEquals(1, schedule.persist());
            assertEquals(0, ScheduleService.load(store, levels, clock, dir, false).deliverDue(), "resumed at 5");
        }
    }

    private static void truncate(final Path file, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(length);
        }
    }
}

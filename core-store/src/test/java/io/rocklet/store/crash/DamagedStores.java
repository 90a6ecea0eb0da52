package io.rocklet.store.crash;

import io.rocklet.api.TagFilter;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.ReadResult;
import io.rocklet.store.DamagedRange;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.ThreadingMode;
import io.rocklet.store.crash.CrashBodies.Stamp;
import io.rocklet.store.internal.file.FileNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Helpers of {@link CorruptionTest}: a small store written with {@link CrashBodies}, ways to damage its
 * files, and checks that it holds exactly what it should.
 */
final class DamagedStores
{
    static final int ROUNDS = 3;
    static final int SEGMENT_BYTES = 64 * 1024;
    static final int PAGE_BYTES = 4096;
    static final String ABORT = "abort";
    static final String CHECKPOINT = "checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(DamagedStores.class);
    private static final int RECORDS = 800;
    private static final int MORE_RECORDS = 100;

    /** One record as appended. */
    record Written(Stamp stamp, long queueOffset, long logOffset, int recordBytes, String messageId)
    {
        long end()
        {
            return logOffset + recordBytes;
        }
    }

    private DamagedStores()
    {
    }

    /** Damages a freshly written store and checks it; returns what the store must hold afterwards. */
    @FunctionalInterface
    interface Case
    {
        List<Written> damageAndCheck(Path dir, List<Written> written, Random random) throws Exception;
    }

    static void forEachRound(final Path tempDir, final String name, final Case damage) throws Exception
    {
        final long seed = Long.getLong("rocklet.corruption.seed", System.nanoTime());
        LOG.info("corruption case: name={}, seed={} (replay with -Drocklet.corruption.seed={})", name, seed, seed);
        final Random seeds = new Random(seed);
        for (int round = 0; round < ROUNDS; round++)
        {
            final long roundSeed = seeds.nextLong();
            final Random random = new Random(roundSeed);
            final Path dir = tempDir.resolve(name + "-" + round);
            try
            {
                final List<Written> written = new ArrayList<>();
                try (MessageStore store = open(dir))
                {
                    written.addAll(append(store, 1, RECORDS, random));
                }
                final List<Written> expected = damage.damageAndCheck(dir, written, random);
                final List<Written> dropped = written.stream().filter(w -> !expected.contains(w)).toList();
                try (MessageStore store = open(dir))
                {
                    assertTrue(store.recoveryReport().cleanShutdown(), store.recoveryReport()::toString);
                    assertFalse(store.recoveryReport().repaired(), store.recoveryReport()::toString);
                    checkContents(store, expected, dropped);
                }
            }
            catch (final AssertionError e)
            {
                throw new AssertionError("corruption case failed: name=" + name + ", seed=" + seed + ", round=" +
                    round + ", roundSeed=" + roundSeed + ": " + e.getMessage(), e);
            }
        }
    }

    static StoreConfig config(final Path dir)
    {
        return StoreConfig.builder(dir)
            .segmentSizeBytes(SEGMENT_BYTES)
            .maxBodyBytes(8 * 1024)
            .consumeQueueEntriesPerFile(64)
            .indexSlotsPerFile(64)
            .indexEntriesPerFile(256)
            .fsync(false)
            .preallocate(false)
            .threadingMode(ThreadingMode.INVOKER)
            .build();
    }

    static MessageStore open(final Path dir)
    {
        return MessageStores.open(config(dir));
    }

    /** Appends {@code count} records of writer {@code run} to random queues, in log order. */
    static List<Written> append(final MessageStore store, final int run, final int count, final Random random)
    {
        final long[][] seqs = new long[CrashBodies.TOPICS.length][CrashBodies.QUEUES];
        final List<Written> written = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final int topicIndex = random.nextInt(CrashBodies.TOPICS.length);
            final int queueId = random.nextInt(CrashBodies.QUEUES);
            final Stamp stamp = new Stamp(run, 0, seqs[topicIndex][queueId]++, topicIndex, queueId);
            final AppendResult result = store.append(
                AppendRequest.of(CrashBodies.message(stamp, 60 + random.nextInt(340), random), queueId));
            written.add(new Written(stamp, result.queueOffset(), result.logOffset(), result.recordBytes(),
                result.messageId()));
        }
        while (store.doWork() > 0)
        {
        }
        return written;
    }

    /**
     * Checks the recovered store against what survived, appends more, checks again.
     *
     * @return everything the store holds now.
     */
    static List<Written> checkRepaired(final MessageStore store, final List<Written> survivors,
        final List<Written> written, final Random random)
    {
        final List<Written> dropped = written.subList(survivors.size(), written.size());
        checkContents(store, survivors, dropped);
        for (final Written gone : dropped)
        {
            assertTrue(store.messageById(gone.messageId()).isEmpty(), () -> "dropped record visible by id: " + gone);
        }
        final List<Written> all = new ArrayList<>(survivors);
        all.addAll(append(store, 2, MORE_RECORDS, random));
        checkContents(store, all, dropped);
        return all;
    }

    /**
     * Checks a store whose damaged records were skipped: everything else readable at its original offsets, the
     * lost records invisible; appends more and checks again.
     *
     * @return everything the store holds now.
     */
    static List<Written> checkBridged(final MessageStore store, final List<Written> written, final List<Written> lost,
        final Random random)
    {
        final List<Written> survivors = written.stream().filter(w -> !lost.contains(w)).toList();
        checkContents(store, survivors, lost);
        for (final Written gone : lost)
        {
            assertTrue(store.messageById(gone.messageId()).isEmpty(), () -> "lost record visible by id: " + gone);
            final ReadResult read = store.read(gone.stamp().topic(), gone.stamp().queueId(), gone.queueOffset(), 1,
                1 << 20, TagFilter.ALL);
            assertEquals(ReadStatus.DAMAGED_MESSAGE, read.status(), () -> "lost record not an error: " + gone + ", " +
                read);
        }
        final List<Written> all = new ArrayList<>(survivors);
        all.addAll(append(store, 2, MORE_RECORDS, random));
        checkContents(store, all, lost);
        return all;
    }

    /** The records that share a byte with [{@code from}, {@code to}). */
    static List<Written> overlapping(final List<Written> written, final long from, final long to)
    {
        return written.stream().filter(w -> w.logOffset() < to && w.end() > from).toList();
    }

    /**
     * The report names exactly one damaged range, starting at the first lost record and covering every lost
     * one, nothing cut from the log, and the quarantine file holds the range's bytes.
     */
    static void assertOneRangeSkipped(final RecoveryReport report, final List<Written> written,
        final List<Written> lost) throws IOException
    {
        assertEquals(written.get(written.size() - 1).end(), report.logEndPosition(), report::toString);
        assertEquals(0, report.droppedBytes(), report::toString);
        assertEquals(1, report.damagedRanges().size(), report::toString);
        final DamagedRange range = report.damagedRanges().get(0);
        assertEquals(lost.get(0).logOffset(), range.logOffset(), report::toString);
        assertTrue(range.logOffset() + range.bytes() >= lost.get(lost.size() - 1).end(), report::toString);
        assertTrue(range.records() >= 1 && range.records() <= lost.size(), report::toString);
        assertEquals(range.bytes(), Files.size(range.quarantineFile()), report::toString);
        assertTrue(Files.exists(range.segmentFile()), report::toString);
    }

    /** The store holds exactly {@code expected} (by queue, key and id), and none of {@code dropped}. */
    static void checkContents(final MessageStore store, final List<Written> expected,
        final List<Written> dropped)
    {
        final Map<String, List<Stamp>> queues = new TreeMap<>();
        for (final Written w : expected)
        {
            queues.computeIfAbsent(w.stamp().topic() + ":" + w.stamp().queueId(), k -> new ArrayList<>())
                .add(w.stamp());
        }
        final StoreVerifier.Contents contents = StoreVerifier.verify(store);
        for (final String queue : contents.queues().keySet())
        {
            queues.putIfAbsent(queue, List.of());
        }
        for (final Map.Entry<String, List<Stamp>> queue : queues.entrySet())
        {
            assertEquals(queue.getValue(), contents.queues().getOrDefault(queue.getKey(), List.of()),
                () -> "queue holds other messages than expected: queue=" + queue.getKey());
        }
        for (final Written w : expected)
        {
            final ReadResult atOffset = store.read(w.stamp().topic(), w.stamp().queueId(), w.queueOffset(), 1, 1 << 20,
                TagFilter.ALL);
            assertEquals(ReadStatus.FOUND, atOffset.status(), () -> "not readable at its offset: " + w + ", " + atOffset);
            assertEquals(w.stamp(), CrashBodies.decode(atOffset.messages().get(0).bodyBytes()), w::toString);
            final List<StoredMessage> byKey = store.messagesByKey(w.stamp().topic(), w.stamp().key(), 0,
                Long.MAX_VALUE, 4);
            assertEquals(1, byKey.size(), () -> "lookup by key failed: " + w + ", found=" + byKey);
            assertEquals(w.logOffset(), byKey.get(0).logOffset(), w::toString);
            assertEquals(w.stamp(), CrashBodies.decode(store.messageById(w.messageId()).orElseThrow().bodyBytes()),
                w::toString);
        }
        for (final Written gone : dropped)
        {
            assertEquals(List.of(), store.messagesByKey(gone.stamp().topic(), gone.stamp().key(), 0, Long.MAX_VALUE, 4),
                () -> "dropped record visible by key: " + gone);
        }
    }

    static void assertNothingDropped(final RecoveryReport report, final List<Written> written)
    {
        assertEquals(written.get(written.size() - 1).end(), report.logEndPosition(), report::toString);
        assertEquals(0, report.droppedBytes(), report::toString);
        assertEquals(0, report.droppedRecords(), report::toString);
        assertEquals("", report.tailProblem(), report::toString);
    }

    static void simulateCrash(final Path dir, final boolean keepCheckpoint) throws IOException
    {
        Files.write(dir.resolve(ABORT), new byte[0]);
        if (!keepCheckpoint)
        {
            Files.delete(dir.resolve(CHECKPOINT));
        }
    }

    static long segmentBase(final long logOffset)
    {
        return logOffset - logOffset % SEGMENT_BYTES;
    }

    static long segmentCount(final List<Written> written)
    {
        return segmentBase(written.get(written.size() - 1).logOffset()) / SEGMENT_BYTES + 1;
    }

    static Path segmentPath(final Path dir, final long base)
    {
        return dir.resolve("commitlog").resolve(FileNames.name(base));
    }

    static Path queueDir(final Path dir, final Stamp stamp)
    {
        return dir.resolve("consumequeue").resolve(stamp.topic()).resolve(Integer.toString(stamp.queueId()));
    }

    static void flipBit(final Path dir, final long position, final int bit) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(segmentPath(dir, segmentBase(position)).toFile(), "rw"))
        {
            file.seek(position % SEGMENT_BYTES);
            final int value = file.read();
            file.seek(position % SEGMENT_BYTES);
            file.write(value ^ (1 << bit));
        }
    }

    static void zero(final Path dir, final long position, final int bytes) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(segmentPath(dir, segmentBase(position)).toFile(), "rw"))
        {
            file.seek(position % SEGMENT_BYTES);
            file.write(new byte[bytes]);
        }
    }

    static void copyTree(final Path from, final Path to)
    {
        try (Stream<Path> paths = Files.walk(from))
        {
            for (final Path path : paths.toList())
            {
                final Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(path, target);
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteFiles(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
    }
}

package io.rocklet.store.crash;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.crash.CrashBodies.Stamp;
import io.rocklet.store.crash.DamagedStores.Written;
import io.rocklet.store.internal.file.FileNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.rocklet.store.crash.DamagedStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Damages the files of a cleanly closed store the way disks and operators do, then checks that the
 * store opens consistent: what lies before the damage intact and readable (by queue, key and id),
 * nothing after a cut visible, queues dense, appends and reads working, the repair persisting across
 * a clean restart, and the recovery report saying what was dropped or rebuilt.
 *
 * <p>Most cases simulate a crash without a checkpoint (abort mark present, checkpoint deleted), so
 * that recovery verifies the whole log. Each case runs {@link DamagedStores#ROUNDS} times with seeds
 * derived from one logged seed; {@code -Drocklet.corruption.seed=S} replays it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CorruptionTest
{
    private static final Logger LOG = LoggerFactory.getLogger(CorruptionTest.class);

    @TempDir
    Path tempDir;

    @Test
    void shouldDropTornTailWhenLastSegmentIsTruncated() throws Exception
    {
        forEachRound(tempDir, "truncate", (dir, written, random) ->
        {
            final Written last = written.get(written.size() - 1);
            final long base = segmentBase(last.logOffset());
            final long cut = base + 1 + random.nextInt((int)(last.end() - base - 1));
            LOG.info("truncating last segment: base={}, cut={}, dataEnd={}", base, cut, last.end());
            simulateCrash(dir, false);
            try (RandomAccessFile file = new RandomAccessFile(segmentPath(dir, base).toFile(), "rw"))
            {
                file.setLength(cut - base);
            }
            final List<Written> survivors = written.stream().filter(w -> w.end() <= cut).toList();
            final Written torn = written.stream().filter(w -> w.logOffset() < cut && w.end() > cut).findFirst()
                .orElse(null);
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                assertFalse(report.cleanShutdown());
                if (torn != null)
                {
                    assertEquals(torn.logOffset(), report.logEndPosition(), report::toString);
                    assertEquals(1, report.droppedRecords(), report::toString);
                    assertTrue(report.droppedBytes() > 0, report::toString);
                    assertFalse(report.tailProblem().isEmpty(), report::toString);
                }
                else
                {
                    assertEquals(cut, report.logEndPosition(), report::toString);
                    assertEquals(0, report.droppedRecords(), report::toString);
                }
                assertEquals(survivors.size(), report.recordsScanned(), report::toString);
                return checkRepaired(store, survivors, written, random);
            }
        });
    }

    /**
     * A checkpoint vouches for a log position the truncated file no longer reaches: acknowledged records
     * are gone and nothing intact follows. The open is refused, naming the file, the offset and the repair
     * option, and changes nothing; with the option, the log resumes where its data ends (a run of zeros left
     * inside the log would end every later full scan there and drop whatever was appended after it).
     */
    @Test
    void shouldRefuseToOpenThenRepairOnRequestWhenSegmentIsTruncatedBelowCheckpoint() throws Exception
    {
        forEachRound(tempDir, "truncatecheckpoint", (dir, written, random) ->
        {
            final Written last = written.get(written.size() - 1);
            final long base = segmentBase(last.logOffset());
            final long cut = base + 1 + random.nextInt((int)(last.end() - base - 1));
            LOG.info("truncating last segment below the checkpoint: base={}, cut={}, dataEnd={}", base, cut,
                last.end());
            simulateCrash(dir, true);
            try (RandomAccessFile file = new RandomAccessFile(segmentPath(dir, base).toFile(), "rw"))
            {
                file.setLength(cut - base);
            }
            final List<Written> survivors = written.stream().filter(w -> w.end() <= cut).toList();
            final long dataEnd = written.get(survivors.size()).logOffset(); // after a filler: the next segment
            final byte[] before = Files.readAllBytes(segmentPath(dir, base));
            final StorageException refused = assertThrows(StorageException.class, () -> open(dir).close());
            assertEquals(ErrorCode.STORE_DAMAGED, refused.errorCode(), refused::toString);
            assertTrue(refused.getMessage().contains(segmentPath(dir, base).toString()), refused::getMessage);
            assertTrue(refused.getMessage().contains("logOffset=" + dataEnd) ||
                refused.getMessage().contains("logOffset=" + survivors.get(survivors.size() - 1).end()),
                refused::getMessage);
            assertTrue(refused.getMessage().contains("--repair-damaged-log"), refused::getMessage);
            final byte[] after = Files.readAllBytes(segmentPath(dir, base));
            // mapping the segment again grows it back to its size with zeros; nothing else may change
            assertArrayEquals(before, java.util.Arrays.copyOf(after, before.length), "a refused open changes nothing");
            for (int i = before.length; i < after.length; i++)
            {
                assertEquals(0, after[i], "a refused open changes nothing");
            }
            final List<Written> all;
            final Path crashed = dir.resolveSibling(dir.getFileName() + "-crashed");
            try (MessageStore store = MessageStores.open(config(dir).toBuilder().repairDamagedLog(true)
                .checkpointInterval(Duration.ofHours(1)).build()))
            {
                final RecoveryReport report = store.recoveryReport();
                assertEquals(dataEnd, report.logEndPosition(), report::toString);
                assertFalse(report.tailProblem().isEmpty(), () -> "records lost, yet no problem: " + report);
                all = checkRepaired(store, survivors, written, random);
                copyTree(dir, crashed); // the files as a crash before the next checkpoint leaves them
            }
            final List<Written> dropped = written.subList(survivors.size(), written.size());
            // the crash before the next checkpoint: the old checkpoint must not be trusted
            try (MessageStore store = open(crashed))
            {
                assertNothingDropped(store.recoveryReport(), all);
                checkContents(store, all, dropped);
            }
            // a crash without a checkpoint: the full scan must cross the repaired place
            simulateCrash(dir, false);
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                assertNothingDropped(report, all);
                assertEquals(all.size(), report.recordsScanned(), report::toString);
                checkContents(store, all, dropped);
            }
            return all;
        });
    }

    @Test
    void shouldSkipOnlyTheDamagedRecordWhenOneBitFlips() throws Exception
    {
        forEachRound(tempDir, "bitflip", (dir, written, random) ->
        {
            final int victim = random.nextInt(written.size() - 1);
            final Written record = written.get(victim);
            final long position = record.logOffset() + record.recordBytes() / 2;
            final int bit = random.nextInt(8);
            LOG.info("flipping a bit: record={}, logOffset={}, position={}, bit={}", victim, record.logOffset(),
                position, bit);
            simulateCrash(dir, false);
            flipBit(dir, position, bit);
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                assertOneRangeSkipped(report, written, List.of(record));
                assertTrue(report.damagedRanges().get(0).reason().contains("CRC"), report::toString);
                return checkBridged(store, written, List.of(record), random);
            }
        });
    }

    @Test
    void shouldSkipOnlyTheRecordsOfAZeroedPageWhenPageIsLost() throws Exception
    {
        forEachRound(tempDir, "zeropage", (dir, written, random) ->
        {
            // a page inside the records of a segment that is not the last one, so that data follows it
            final long segment = segmentBase(written.get(random.nextInt(written.size() / 2)).logOffset());
            final long dataEnd = written.stream().filter(w -> segmentBase(w.logOffset()) == segment)
                .mapToLong(Written::end).max().orElseThrow();
            final long pages = (dataEnd - segment) / PAGE_BYTES;
            final long page = segment + PAGE_BYTES * (long)random.nextInt((int)pages);
            LOG.info("zeroing a page: segment={}, page={}, segmentDataEnd={}", segment, page, dataEnd);
            simulateCrash(dir, random.nextBoolean());
            zero(dir, page, PAGE_BYTES);
            final List<Written> lost = overlapping(written, page, page + PAGE_BYTES);
            try (MessageStore store = open(dir))
            {
                assertOneRangeSkipped(store.recoveryReport(), written, lost);
                return checkBridged(store, written, lost, random);
            }
        });
    }

    @Test
    void shouldSkipZeroedRangeWhenItStartsAtRecord() throws Exception
    {
        forEachRound(tempDir, "zerorecord", (dir, written, random) ->
        {
            final int victim = random.nextInt(written.size() / 2);
            final Written record = written.get(victim);
            LOG.info("zeroing from a record on: record={}, logOffset={}", victim, record.logOffset());
            simulateCrash(dir, false);
            final int bytes = Math.min(PAGE_BYTES, record.recordBytes() + 64);
            zero(dir, record.logOffset(), bytes);
            final List<Written> lost = overlapping(written, record.logOffset(), record.logOffset() + bytes);
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                assertOneRangeSkipped(report, written, lost);
                assertTrue(report.damagedRanges().get(0).reason().contains("zeros"), report::toString);
                return checkBridged(store, written, lost, random);
            }
        });
    }

    @Test
    void shouldRebuildConsumeQueueWhenItsFilesAreDeletedAfterCrash() throws Exception
    {
        forEachRound(tempDir, "deletequeue", (dir, written, random) ->
        {
            final Stamp victim = written.get(random.nextInt(written.size())).stamp();
            final Path queueDir = queueDir(dir, victim);
            final boolean keepCheckpoint = random.nextBoolean();
            LOG.info("deleting consume-queue files: queue={}, checkpointKept={}", queueDir, keepCheckpoint);
            simulateCrash(dir, keepCheckpoint);
            deleteFiles(queueDir);
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                assertNothingDropped(report, written);
                if (keepCheckpoint)
                {
                    assertEquals(List.of(victim.topic() + ":" + victim.queueId()), report.rebuiltQueues(),
                        report::toString);
                }
                else
                {
                    assertEquals(written.size(), report.recordsScanned(), report::toString);
                }
                return checkRepaired(store, written, written, random);
            }
        });
    }

    @Test
    void shouldRebuildKeyIndexWhenItsFilesAreDeletedAfterCrash() throws Exception
    {
        forEachRound(tempDir, "deleteindex", (dir, written, random) ->
        {
            final boolean keepCheckpoint = random.nextBoolean();
            final List<Long> bases = new ArrayList<>();
            for (final long base : FileNames.list(dir.resolve("index")))
            {
                bases.add(base);
            }
            LOG.info("deleting key-index files: files={}, checkpointKept={}", bases, keepCheckpoint);
            assertTrue(bases.size() > 1, "the test wants several index files");
            simulateCrash(dir, keepCheckpoint);
            deleteFiles(dir.resolve("index"));
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                assertNothingDropped(report, written);
                if (keepCheckpoint)
                {
                    assertEquals(bases, report.rebuiltIndexFiles().stream().sorted().toList(), report::toString);
                }
                else
                {
                    assertEquals(written.size(), report.recordsScanned(), report::toString);
                }
                return checkRepaired(store, written, written, random);
            }
        });
    }

    @Test
    void shouldRebuildConsumeQueueFromManifestWhenItsDirectoryIsDeletedAfterCleanShutdown() throws Exception
    {
        forEachRound(tempDir, "cleandelete", (dir, written, random) ->
        {
            final Stamp victim = written.get(random.nextInt(written.size())).stamp();
            final Path queueDir = queueDir(dir, victim);
            LOG.info("deleting consume-queue directory after a clean shutdown: queue={}", queueDir);
            assertTrue(Files.exists(dir.resolve(CHECKPOINT)));
            assertFalse(Files.exists(dir.resolve(ABORT)));
            FileNames.deleteTree(queueDir);
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                assertTrue(report.cleanShutdown(), report::toString);
                assertNothingDropped(report, written);
                assertEquals(List.of(victim.topic() + ":" + victim.queueId()), report.rebuiltQueues(),
                    report::toString);
                return checkRepaired(store, written, written, random);
            }
        });
    }

    @Test
    void shouldRebuildConsumeQueueWhenItsFirstFileIsDeletedAfterCleanShutdown() throws Exception
    {
        forEachRound(tempDir, "deletefirstqueuefile", (dir, written, random) ->
        {
            // a queue of several files: start at a random message and take the first such queue
            Stamp victim = null;
            for (int i = 0, start = random.nextInt(written.size()); i < written.size() && victim == null; i++)
            {
                final Stamp candidate = written.get((start + i) % written.size()).stamp();
                if (FileNames.list(queueDir(dir, candidate)).length > 1)
                {
                    victim = candidate;
                }
            }
            assertNotNull(victim, "the test wants a queue of several files");
            final Path queueDir = queueDir(dir, victim);
            final long[] files = FileNames.list(queueDir);
            LOG.info("deleting the first consume-queue file after a clean shutdown: queue={}", queueDir);
            Files.delete(queueDir.resolve(FileNames.name(files[0])));
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                assertNothingDropped(report, written);
                assertEquals(List.of(victim.topic() + ":" + victim.queueId()), report.rebuiltQueues(),
                    report::toString);
                return checkRepaired(store, written, written, random);
            }
        });
    }
}

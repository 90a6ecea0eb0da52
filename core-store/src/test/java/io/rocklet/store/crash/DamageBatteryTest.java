package io.rocklet.store.crash;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.DamagedRange;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.crash.DamagedStores.Written;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.rocklet.store.crash.DamagedStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Random damage at random places of cleanly stopped and crashed stores: bit flips, zeroed pages, ranges
 * overwritten with random bytes and torn record headers, in the commit log and in the checkpoint,
 * consume-queue and key-index files. After recovery every record that does not overlap the damage is
 * readable and intact at its original offsets (by queue, key and id), the lost ones are errors, the report
 * names each skipped range with its quarantine file, and a clean reopen finds nothing more to repair.
 *
 * <p>Damage that takes records below the checkpoint with nothing intact after it must refuse the open
 * (STORE_DAMAGED, files unchanged); the case then opens with the repair option and checks the rest.
 * {@code -Drocklet.damage.rounds=N} sets the number of cases (40; 1,000 with {@code -Pcrash-soak});
 * {@code -Drocklet.corruption.seed=S} replays a logged run.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DamageBatteryTest
{
    private static final Logger LOG = LoggerFactory.getLogger(DamageBatteryTest.class);
    private static final int ROUNDS = Integer.getInteger("rocklet.damage.rounds", 40);
    private static final int RECORDS = 600;

    enum Kind
    {
        BIT_FLIP, ZERO_PAGE, RANDOM_RANGE, TORN_HEADER
    }

    enum Target
    {
        LOG, CHECKPOINT, CONSUME_QUEUE, INDEX
    }

    @TempDir
    Path tempDir;

    @Test
    void shouldKeepEveryRecordOutsideTheDamageWhenFilesAreDamagedAtRandom() throws Exception
    {
        final long seed = Long.getLong("rocklet.corruption.seed", System.nanoTime());
        LOG.info("damage battery: rounds={}, seed={} (replay with -Drocklet.corruption.seed={})", ROUNDS, seed, seed);
        final Random seeds = new Random(seed);
        int refused = 0;
        int skipped = 0;
        for (int round = 0; round < ROUNDS; round++)
        {
            final long roundSeed = seeds.nextLong();
            final Random random = new Random(roundSeed);
            final Target target = Target.values()[random.nextInt(Target.values().length)];
            final Target actual = target == Target.LOG || random.nextInt(3) == 0 ? Target.LOG : target;
            final Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            final boolean crashed = random.nextBoolean();
            final Path dir = tempDir.resolve("round-" + round);
            try
            {
                final Outcome outcome = runCase(dir, actual, kind, crashed, random);
                refused += outcome.refused ? 1 : 0;
                skipped += outcome.skipped;
            }
            catch (final AssertionError | RuntimeException e)
            {
                throw new AssertionError("damage case failed: round=" + round + ", seed=" + seed + ", roundSeed=" +
                    roundSeed + ", target=" + actual + ", kind=" + kind + ", crashed=" + crashed + ": " + e, e);
            }
            deleteTree(dir);
        }
        LOG.info("damage battery done: rounds={}, refusedThenRepaired={}, rangesSkipped={}", ROUNDS, refused, skipped);
    }

    private record Outcome(boolean refused, int skipped)
    {
    }

    private record Damage(Path file, long position, int length)
    {
    }

    private Outcome runCase(final Path dir, final Target target, final Kind kind, final boolean crashed,
        final Random random) throws Exception
    {
        final List<Written> written;
        try (MessageStore store = open(dir))
        {
            written = new ArrayList<>(append(store, 1, RECORDS, random));
        }
        if (crashed)
        {
            simulateCrash(dir, random.nextBoolean());
        }
        final Damage damage = damage(dir, target, kind, written, random);
        LOG.info("damaging: target={}, kind={}, crashed={}, file={}, position={}, length={}", target, kind, crashed,
            damage.file.getFileName(), damage.position, damage.length);
        final List<Written> lost = target == Target.LOG ?
            overlapping(written, damage.position, damage.position + damage.length) : List.of();

        boolean refused = false;
        MessageStore store;
        try
        {
            store = open(dir);
        }
        catch (final StorageException e)
        {
            assertEquals(ErrorCode.STORE_DAMAGED, e.errorCode(), e::toString);
            assertEquals(Target.LOG, target, "only lost log data refuses the open: " + e);
            assertTrue(e.getMessage().contains("--repair-damaged-log"), e::getMessage);
            final Written last = written.get(written.size() - 1);
            assertTrue(!lost.isEmpty() && lost.contains(last), "refused although intact records follow the damage: " +
                e.getMessage() + ", lost=" + lost);
            refused = true;
            store = MessageStores.open(config(dir).toBuilder().repairDamagedLog(true).build());
        }
        final List<Written> all;
        final int skipped;
        try
        {
            final RecoveryReport report = store.recoveryReport();
            checkReport(report, lost, refused);
            skipped = report.damagedRanges().size();
            final Written last = written.get(written.size() - 1);
            if (report.logEndPosition() < last.end())
            {
                // the log was cut where its intact records ended: damage with nothing intact after it, past the
                // checkpoint after a crash (a torn tail), or below it when repair was asked for
                assertTrue(refused || crashed, () -> "cut without a crash or a repair request: " + report);
                assertFalse(lost.isEmpty(), () -> "cut without damage in the log: " + report);
                assertEquals(lost.get(0).logOffset(), report.logEndPosition(), report::toString);
                final List<Written> survivors = written.stream().filter(w -> w.end() <= report.logEndPosition())
                    .toList();
                all = checkRepaired(store, survivors, written, random);
            }
            else
            {
                all = checkBridged(store, written, lost, random);
            }
        }
        finally
        {
            store.close();
        }
        try (MessageStore reopened = open(dir))
        {
            assertFalse(reopened.recoveryReport().repaired(), "the repair persists: " + reopened.recoveryReport());
            checkContents(reopened, all, List.of());
        }
        return new Outcome(refused, skipped);
    }

    private static void checkReport(final RecoveryReport report, final List<Written> lost, final boolean refused)
        throws IOException
    {
        for (final DamagedRange range : report.damagedRanges())
        {
            assertEquals(range.bytes(), Files.size(range.quarantineFile()), report::toString);
            assertTrue(range.records() >= 1, report::toString);
        }
        if (!lost.isEmpty() && !refused)
        {
            final Written first = lost.get(0);
            final boolean named = report.damagedRanges().stream().anyMatch(r ->
                r.logOffset() <= first.logOffset() + first.recordBytes() && r.logOffset() >= first.logOffset()) ||
                report.droppedBytes() > 0;
            assertTrue(named, () -> "the report does not name the damage at " + first + ": " + report);
        }
    }

    private static Damage damage(final Path dir, final Target target, final Kind kind, final List<Written> written,
        final Random random) throws IOException
    {
        final Path file = switch (target)
        {
            case LOG -> segmentPath(dir, segmentBase(written.get(random.nextInt(written.size())).logOffset()));
            case CHECKPOINT -> dir.resolve(CHECKPOINT);
            case CONSUME_QUEUE -> randomFile(dir.resolve("consumequeue"), random);
            case INDEX -> randomFile(dir.resolve("index"), random);
        };
        if (!Files.exists(file))
        {
            return new Damage(file, 0, 0); // a crash that lost its checkpoint: nothing to damage there
        }
        final long size = Files.size(file);
        final long used = target == Target.LOG ? usedBytes(file, written) : size;
        final long offset = used <= 1 ? 0 : (long)(random.nextDouble() * used);
        final int length = switch (kind)
        {
            case BIT_FLIP -> 1;
            case ZERO_PAGE -> PAGE_BYTES;
            case RANDOM_RANGE -> 1 + random.nextInt(2 * PAGE_BYTES);
            case TORN_HEADER -> 12;
        };
        final long start = kind == Kind.ZERO_PAGE ? offset - offset % PAGE_BYTES :
            kind == Kind.TORN_HEADER && target == Target.LOG ? recordStartAtOrBefore(file, offset, written) : offset;
        final int bytes = (int)Math.max(0, Math.min(length, size - start));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final byte[] data = new byte[bytes];
            raf.seek(start);
            raf.readFully(data);
            switch (kind)
            {
                case BIT_FLIP -> data[0] ^= (byte)(1 << random.nextInt(8));
                case ZERO_PAGE -> java.util.Arrays.fill(data, (byte)0);
                case RANDOM_RANGE, TORN_HEADER -> random.nextBytes(data);
            }
            raf.seek(start);
            raf.write(data);
        }
        final long logBase = target == Target.LOG ? segmentBase(written.stream()
            .filter(w -> segmentPath(dir, segmentBase(w.logOffset())).equals(file)).findFirst().orElseThrow()
            .logOffset()) : 0;
        return new Damage(file, logBase + start, bytes);
    }

    /** Bytes of the segment holding records (damage beyond them hits nothing written). */
    private static long usedBytes(final Path segment, final List<Written> written)
    {
        return written.stream().filter(w -> segment.getFileName().toString().equals(
            segmentPath(segment.getParent().getParent(), segmentBase(w.logOffset())).getFileName().toString()))
            .mapToLong(w -> w.end() - segmentBase(w.logOffset())).max().orElse(1);
    }

    private static long recordStartAtOrBefore(final Path segment, final long offset, final List<Written> written)
    {
        final String name = segment.getFileName().toString();
        return written.stream()
            .filter(w -> segmentPath(segment.getParent().getParent(), segmentBase(w.logOffset())).getFileName()
                .toString().equals(name))
            .mapToLong(w -> w.logOffset() - segmentBase(w.logOffset()))
            .filter(start -> start <= offset).max().orElse(0);
    }

    private static Path randomFile(final Path root, final Random random) throws IOException
    {
        try (Stream<Path> files = Files.walk(root))
        {
            final List<Path> list = files.filter(Files::isRegularFile).sorted().toList();
            return list.get(random.nextInt(list.size()));
        }
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }
}

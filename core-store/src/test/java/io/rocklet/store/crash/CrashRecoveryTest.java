package io.rocklet.store.crash;

import io.rocklet.store.FlushMode;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.ThreadingMode;
import io.rocklet.store.crash.CrashBodies.Stamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills a writer process ({@link CrashWriter}) with SIGKILL at random points, again and again on one
 * data directory, and checks after each kill that the store opens consistent: every acknowledged
 * append present and intact, queues dense, each writer's sequence a prefix (nothing after a lost
 * record visible), and at most one torn record dropped. Between some kills the test does not open
 * the store itself, so the next writer recovers the crash (and may be killed right after).
 *
 * <p>{@code -Drocklet.crash.kills=N} sets the number of kills (20; 300 with {@code -Pcrash-soak});
 * {@code -Drocklet.crash.seed=S} replays a logged plan (the kill timing itself is not reproducible).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class CrashRecoveryTest
{
    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryTest.class);
    private static final int KILLS = Integer.getInteger("rocklet.crash.kills", 20);
    private static final int MAX_ACKS_BEFORE_KILL = 400;
    private static final long LINE_TIMEOUT_SECONDS = 60;
    /** A kill tears at most the one record being written: no more than this can be dropped. */
    private static final int MAX_RECORD_BYTES = CrashWriter.MAX_BODY_BYTES + 1024;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedAppendWhenWriterIsKilledWithSyncFlush() throws Exception
    {
        new Battery(dir, FlushMode.SYNC, KILLS, seed()).run();
    }

    /**
     * ASYNC only bounds loss for a machine crash; a process crash leaves the page cache intact, so the
     * acknowledged appends must survive here too (see {@link FlushMode#ASYNC}).
     */
    @Test
    void shouldKeepLogAndQueuesConsistentWhenWriterIsKilledWithAsyncFlush() throws Exception
    {
        new Battery(dir, FlushMode.ASYNC, Math.max(4, KILLS / 2), seed()).run();
    }

    private static long seed()
    {
        return Long.getLong("rocklet.crash.seed", System.nanoTime());
    }

    /** One acknowledged append as the writer printed it. */
    private record Ack(Stamp stamp, long queueOffset, long logOffset)
    {
        static Ack parse(final String line)
        {
            final String[] f = line.split(" ");
            final Stamp stamp = new Stamp(Integer.parseInt(f[4]), Integer.parseInt(f[5]), Long.parseLong(f[6]),
                Integer.parseInt(f[1]), Integer.parseInt(f[2]));
            return new Ack(stamp, Long.parseLong(f[3]), Long.parseLong(f[7]));
        }
    }

    /** A sequence of kills on one directory. */
    private static final class Battery
    {
        private final Path storeDir;
        private final Path logDir;
        private final FlushMode mode;
        private final int kills;
        private final long seed;
        private final Random random;
        private final List<Ack> acked = new ArrayList<>();
        private int firstUnchecked;

        Battery(final Path dir, final FlushMode mode, final int kills, final long seed) throws Exception
        {
            this.storeDir = dir.resolve("store");
            this.logDir = Files.createDirectories(dir.resolve("logs"));
            this.mode = mode;
            this.kills = kills;
            this.seed = seed;
            this.random = new Random(seed);
        }

        void run() throws Exception
        {
            LOG.info("crash battery: mode={}, kills={}, seed={} (replay with -Drocklet.crash.seed={})", mode, kills,
                seed, seed);
            final long started = System.nanoTime();
            boolean previousVerified = true;
            for (int run = 0; run < kills; run++)
            {
                final boolean verify = run == kills - 1 || random.nextInt(4) != 0;
                try
                {
                    killWriter(run, !previousVerified);
                    if (verify)
                    {
                        verifyStore();
                    }
                }
                catch (final AssertionError e)
                {
                    throw new AssertionError("crash battery failed: mode=" + mode + ", seed=" + seed + ", run=" + run +
                        ", acked=" + acked.size() + ": " + e.getMessage(), e);
                }
                previousVerified = verify;
            }
            LOG.info("crash battery done: mode={}, kills={}, seed={}, acked={}, seconds={}", mode, kills, seed,
                acked.size(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        }

        private void killWriter(final int run, final boolean recoversCrash) throws Exception
        {
            final long runSeed = random.nextLong();
            final int threads = 2 + random.nextInt(3);
            final long checkpointMs = new long[] {20, 100, 1000}[random.nextInt(3)];
            final int killAfter = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(MAX_ACKS_BEFORE_KILL);
            final Path errorLog = logDir.resolve("writer-" + mode + "-" + run + ".log");
            try (WriterProcess writer = WriterProcess.start(
                CrashWriter.command(storeDir, mode, run, runSeed, threads, checkpointMs), errorLog))
            {
                checkOpenLine(writer.nextLine(LINE_TIMEOUT_SECONDS), recoversCrash, writer);
                int seen = 0;
                while (seen < killAfter)
                {
                    final String line = writer.nextLine(LINE_TIMEOUT_SECONDS);
                    assertNotNull(line, () -> "writer ended early:\n" + writer.errorTail());
                    seen += accept(line, writer);
                }
                writer.kill();
                int after = 0;
                for (String line = writer.nextLine(LINE_TIMEOUT_SECONDS); line != null;
                    line = writer.nextLine(LINE_TIMEOUT_SECONDS))
                {
                    after += accept(line, writer);
                }
                LOG.debug("writer killed: mode={}, run={}, runSeed={}, threads={}, checkpointMs={}, killAfter={}, " +
                    "acks={}", mode, run, runSeed, threads, checkpointMs, killAfter, seen + after);
            }
        }

        private void checkOpenLine(final String line, final boolean recoversCrash, final WriterProcess writer)
        {
            assertNotNull(line, () -> "writer did not open the store:\n" + writer.errorTail());
            final String[] f = line.split(" ");
            assertEquals("OPEN", f[0], () -> "unexpected first line: " + line);
            assertEquals(!recoversCrash, Boolean.parseBoolean(f[1]), () -> "clean-shutdown flag wrong: " + line);
            checkRepairs(Long.parseLong(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[4]) + Integer.parseInt(f[5]),
                "writer recovery: " + line);
        }

        private int accept(final String line, final WriterProcess writer)
        {
            if (line.startsWith("ACK "))
            {
                acked.add(Ack.parse(line));
                return 1;
            }
            throw new AssertionError("writer failed: " + line + "\nstderr:\n" + writer.errorTail());
        }

        private void verifyStore()
        {
            try (MessageStore store = MessageStores.open(
                CrashWriter.config(storeDir, mode).threadingMode(ThreadingMode.INVOKER).build()))
            {
                final RecoveryReport report = store.recoveryReport();
                assertFalse(report.cleanShutdown(), "a killed writer cannot have closed the store");
                checkRepairs(report.droppedBytes(), report.droppedRecords(),
                    report.rebuiltQueues().size() + report.rebuiltIndexFiles().size(), report.toString());
                assertEquals(report.logEndPosition(), store.stats().writePosition(), report::toString);
                final StoreVerifier.Contents contents = StoreVerifier.verify(store);
                for (final Ack ack : acked)
                {
                    final Stamp found = contents.at(ack.stamp().topic(), ack.stamp().queueId(), ack.queueOffset());
                    assertEquals(ack.stamp(), found, () -> "acknowledged append lost or replaced: " + ack + ", " +
                        report);
                }
                checkKeys(store);
            }
        }

        /** Lookup by key (and by id) works for the appends since the last check and for a sample of older ones. */
        private void checkKeys(final MessageStore store)
        {
            final List<Ack> sample = new ArrayList<>(acked.subList(firstUnchecked, acked.size()));
            for (int i = 0; i < 50 && firstUnchecked > 0; i++)
            {
                sample.add(acked.get(random.nextInt(firstUnchecked)));
            }
            for (final Ack ack : sample)
            {
                final List<StoredMessage> found = store.messagesByKey(ack.stamp().topic(), ack.stamp().key(), 0,
                    Long.MAX_VALUE, 4);
                assertEquals(1, found.size(), () -> "lookup by key failed: " + ack + ", found=" + found);
                assertEquals(ack.stamp(), CrashBodies.decode(found.get(0).bodyBytes()), ack::toString);
                assertEquals(ack.logOffset(), found.get(0).logOffset(), ack::toString);
                assertEquals(ack.logOffset(), store.messageById(found.get(0).messageId()).orElseThrow().logOffset(),
                    ack::toString);
            }
            firstUnchecked = acked.size();
        }

        /** A kill damages no file: recovery drops at most the record being written and rebuilds nothing. */
        private static void checkRepairs(final long droppedBytes, final long droppedRecords, final int rebuilt,
            final String context)
        {
            assertTrue(droppedRecords <= 1, () -> "a kill tears at most one record: " + context);
            assertTrue(droppedBytes <= MAX_RECORD_BYTES, () -> "dropped more than one record can hold: " + context);
            assertEquals(0, rebuilt, () -> "nothing was damaged, yet something was rebuilt: " + context);
        }
    }
}

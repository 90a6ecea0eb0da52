package io.rocklet.store.crash;

import io.rocklet.store.AppendBatchReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.crash.CrashBodies.Stamp;
import io.rocklet.store.crash.DamagedStores.Written;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.rocklet.store.crash.DamagedStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Crash images of a store written by {@link MessageStore#appendBatch}: every batch acknowledged before the crash is
 * recovered whole (through the full CRC scan), and a crash in the middle of a batch's write - the batch's bytes cut
 * at a random point - leaves a prefix of the batch's whole records, each readable by queue, key and id, and nothing
 * of the rest. {@code -Drocklet.corruption.seed=S} replays a run.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BatchCrashTest
{
    private static final Logger LOG = LoggerFactory.getLogger(BatchCrashTest.class);
    private static final int BATCHES = 60;

    @TempDir
    Path tempDir;

    @Test
    void shouldRecoverEveryAcknowledgedBatchWholeWhenStoreCrashes() throws Exception
    {
        final long seed = seed();
        final Path dir = tempDir.resolve("whole");
        final List<Written> written;
        try (MessageStore store = open(dir))
        {
            written = appendBatches(store, new Random(seed), BATCHES).stream().flatMap(List::stream).toList();
        }
        assertTrue(segmentCount(written) > 2, "the batches cross segments: seed=" + seed);
        simulateCrash(dir, false);
        try (MessageStore store = open(dir))
        {
            final RecoveryReport report = store.recoveryReport();
            assertFalse(report.cleanShutdown(), report::toString);
            assertNothingDropped(report, written);
            assertEquals(written.size(), report.recordsScanned(), report::toString);
            checkContents(store, written, List.of());
        }
    }

    @Test
    void shouldKeepAPrefixOfWholeRecordsWhenCrashTearsABatch() throws Exception
    {
        final long seed = seed();
        for (int round = 0; round < ROUNDS; round++)
        {
            final Random random = new Random(seed + round);
            final Path dir = tempDir.resolve("torn" + round);
            final List<List<Written>> batches;
            try (MessageStore store = open(dir))
            {
                batches = appendBatches(store, random, BATCHES);
            }
            final List<Written> written = batches.stream().flatMap(List::stream).toList();
            final List<Written> last = batches.get(batches.size() - 1);
            final long lastEnd = last.get(last.size() - 1).end();
            // the cut lies in the last segment the batch reaches: everything after it was never written
            final long from = Math.max(last.get(0).logOffset(), segmentBase(last.get(last.size() - 1).logOffset()));
            final long cut = from + 1 + random.nextInt((int)(lastEnd - from - 1));
            LOG.info("tearing the last batch: seed={}, round={}, batchStart={}, cut={}, batchEnd={}", seed, round,
                last.get(0).logOffset(), cut, lastEnd);
            simulateCrash(dir, false);
            zero(dir, cut, (int)(lastEnd - cut));

            final List<Written> survivors = written.stream().filter(w -> w.end() <= cut).toList();
            final List<Written> lost = written.subList(survivors.size(), written.size());
            assertTrue(lost.size() <= last.size(), "only the torn batch loses records: lost=" + lost.size() +
                ", batch=" + last.size() + ", seed=" + seed);
            try (MessageStore store = open(dir))
            {
                final RecoveryReport report = store.recoveryReport();
                final Written torn = lost.isEmpty() || lost.get(0).logOffset() == cut ? null : lost.get(0);
                assertEquals(torn == null ? 0 : 1, report.droppedRecords(), report::toString);
                assertEquals(torn == null ? survivors.get(survivors.size() - 1).end() : torn.logOffset(),
                    report.logEndPosition(), report::toString);
                assertEquals(survivors.size(), report.recordsScanned(), report::toString);
                checkContents(store, survivors, lost);
            }
        }
    }

    /** Appends {@code count} batches of 1 to 24 records to random queues; returns each batch's records. */
    private static List<List<Written>> appendBatches(final MessageStore store, final Random random, final int count)
    {
        final long[][] seqs = new long[CrashBodies.TOPICS.length][CrashBodies.QUEUES];
        final AppendBatchReceipt receipt = new AppendBatchReceipt();
        final List<AppendRequest> requests = new ArrayList<>();
        final List<Stamp> stamps = new ArrayList<>();
        final List<List<Written>> batches = new ArrayList<>(count);
        for (int b = 0; b < count; b++)
        {
            requests.clear();
            stamps.clear();
            final int size = 1 + random.nextInt(24);
            for (int i = 0; i < size; i++)
            {
                final int topicIndex = random.nextInt(CrashBodies.TOPICS.length);
                final int queueId = random.nextInt(CrashBodies.QUEUES);
                final Stamp stamp = new Stamp(0, 0, seqs[topicIndex][queueId]++, topicIndex, queueId);
                stamps.add(stamp);
                requests.add(AppendRequest.of(CrashBodies.message(stamp, 60 + random.nextInt(340), random), queueId));
            }
            store.appendBatch(requests, receipt);
            final List<Written> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++)
            {
                batch.add(new Written(stamps.get(i), receipt.queueOffset(i), receipt.logOffset(i),
                    receipt.recordBytes(i), receipt.messageId(i)));
            }
            batches.add(batch);
        }
        while (store.doWork() > 0)
        {
        }
        return batches;
    }

    private static long seed()
    {
        final long seed = Long.getLong("rocklet.corruption.seed", System.nanoTime());
        LOG.info("batch crash seed={}", seed);
        return seed;
    }
}

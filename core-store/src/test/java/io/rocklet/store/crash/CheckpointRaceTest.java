package io.rocklet.store.crash;

import io.rocklet.store.AppendReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageArrivalListener;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import io.rocklet.store.crash.CrashBodies.Stamp;
import io.rocklet.store.internal.StoreHealth;
import io.rocklet.store.internal.StoreWriter;
import io.rocklet.store.internal.dispatch.DispatchApplier;
import io.rocklet.store.internal.dispatch.DispatchRing;
import io.rocklet.store.internal.dispatch.Dispatcher;
import io.rocklet.store.internal.flush.Checkpointer;
import io.rocklet.store.internal.flush.LogFlusher;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.RecordEncoder;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import io.rocklet.store.internal.recovery.StoreMeta;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A checkpoint taken by the housekeeper while the dispatcher is in the middle of a batch, followed by
 * a crash. The parts are driven by hand (as the store wires them) so that the interleaving is exact:
 * the dispatcher has applied some events of a batch, so consume queues are ahead of the published
 * dispatched position, when the checkpoint collects its queue marks.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CheckpointRaceTest
{
    private static final int RECORDS = 40;

    @TempDir
    Path dir;

    @Test
    void shouldNotRebuildQueuesWhenCheckpointWasTakenInMiddleOfDispatchBatch() throws Exception
    {
        final StoreConfig config = StoreConfig.builder(dir).segmentSizeBytes(64 * 1024).maxBodyBytes(8 * 1024)
            .consumeQueueEntriesPerFile(64).indexSlotsPerFile(64).indexEntriesPerFile(256).fsync(false)
            .preallocate(false).threadingMode(ThreadingMode.INVOKER).build();
        StoreMeta.loadOrCreate(dir, config);
        Files.write(dir.resolve("abort"), new byte[0]); // the process "dies" with the store open
        final CommitLog log = new CommitLog(dir, config.segmentSizeBytes(), false);
        log.load();
        final TopicTable topics = new TopicTable(dir, config.consumeQueueEntriesPerFile(), false);
        final KeyIndex index = new KeyIndex(dir, config.indexSlotsPerFile(), config.indexEntriesPerFile(), false);
        final StoreHealth health = new StoreHealth(dir.toString());
        final DispatchRing ring = new DispatchRing(1 << 16, SystemNanoClock.INSTANCE, TimeUnit.SECONDS.toNanos(1));
        final StoreWriter writer = new StoreWriter(log, topics, ring,
            new RecordEncoder(config.maxBodyBytes(), config.maxPropertiesBytes(), config.segmentSizeBytes()),
            SystemEpochClock.INSTANCE, health, 1, 0, 0);
        final Dispatcher dispatcher = new Dispatcher(ring, topics, new DispatchApplier(log, index),
            MessageArrivalListener.NONE, health, 0, 0);
        final LogFlusher flusher = new LogFlusher(log::sync, health, writer::committedPosition,
            SystemNanoClock.INSTANCE, TimeUnit.SECONDS.toNanos(1), false, 0);
        final Checkpointer checkpointer = new Checkpointer(dir, topics, index, flusher,
            dispatcher::dispatchedPosition, dispatcher::dispatchedStoreTimestampMs, false);
        final Random random = new Random(42);
        try
        {
            for (int i = 0; i < RECORDS; i++)
            {
                final Stamp stamp = new Stamp(1, 0, i, 0, 0);
                writer.append(AppendRequest.of(CrashBodies.message(stamp, 100, random), 0), new AppendReceipt());
            }
            dispatcher.doWork();                      // a whole batch: dispatched position published
            final long published = dispatcher.dispatchedPosition();
            for (int i = 0; i < RECORDS; i++)
            {
                final Stamp stamp = new Stamp(1, 0, RECORDS + i, 0, 0);
                writer.append(AppendRequest.of(CrashBodies.message(stamp, 100, random), 0), new AppendReceipt());
            }
            ring.read(dispatcher, RECORDS / 2);       // the dispatcher is half-way through the next batch...
            assertEquals(published, dispatcher.dispatchedPosition());
            assertTrue(checkpointer.checkpoint());    // ...when the housekeeper takes a checkpoint
        }
        finally
        {
            for (final TopicState topic : topics.all())
            {
                topic.queues().forEach(queue -> queue.consumeQueue().close());
            }
            index.close();
            log.close();
        }

        try (MessageStore store = MessageStores.open(config))
        {
            final RecoveryReport report = store.recoveryReport();
            assertEquals(List.of(), report.rebuiltQueues(), () -> "nothing was damaged: " + report);
            assertEquals(2L * RECORDS, store.maxOffset(CrashBodies.TOPICS[0], 0), report::toString);
            StoreVerifier.verify(store);
        }
    }
}

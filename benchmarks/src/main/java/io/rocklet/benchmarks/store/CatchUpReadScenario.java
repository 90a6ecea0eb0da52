package io.rocklet.benchmarks.store;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TagFilter;
import io.rocklet.store.AppendReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.ScanResult;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.StoredMessage;

import org.agrona.DirectBuffer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Catch-up read: a consumer that starts at the beginning of a large backlog. Writes the backlog
 * (ASYNC, spread over {@link BenchMessages#QUEUES} queues), waits for the dispatcher, reads part of
 * it once to warm up, then reads every queue from offset 0 to its end in batches on one thread,
 * checking that every message comes back once: first with {@link MessageStore#scan} (zero copy, the
 * headline figure), then with {@link MessageStore#read} (one copy per record, {@code .copy}).
 * The backlog was just written, so the page cache is warm.
 */
final class CatchUpReadScenario
{
    private static final String NAME = "store.read.128b.catchup";
    private static final int BODY_BYTES = 128;
    private static final int MAX_READ_BYTES = 16 * 1024 * 1024;
    private static final long CATCH_UP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);

    private final ScenarioSettings settings;
    private final Results results;
    private final BenchDirectory directories;

    CatchUpReadScenario(final ScenarioSettings settings, final Results results, final BenchDirectory directories)
    {
        this.settings = settings;
        this.results = results;
        this.directories = directories;
    }

    void run()
    {
        final Path directory = directories.fresh(NAME);
        results.note("%s: flush=ASYNC backlog=%d messages body=%d B queues=%d batch=%d readThreads=1 dir=%s", NAME,
            settings.readMessages(), BODY_BYTES, BenchMessages.QUEUES, settings.readBatch(), directory);
        try (MessageStore store = MessageStores.open(StoreConfig.builder(directory).build()))
        {
            final long writeStart = System.nanoTime();
            fill(store, settings.readMessages());
            final long writeNs = System.nanoTime() - writeStart;
            final long dispatchNs = DispatchCatchUp.await(store, CATCH_UP_TIMEOUT_NS);
            directories.recordWritten(store.stats().writePosition());
            results.note("%s: backlog written in %.2f s (%.0f msgs/s), dispatch caught up %.0f ms later", NAME,
                writeNs / 1e9, settings.readMessages() * 1e9 / writeNs, dispatchNs / 1e6);

            final BatchReader scan = this::scanBatch;
            final BatchReader copy = this::readBatch;
            catchUp(store, scan, false, 1_000_000);
            catchUp(store, copy, false, 1_000_000);
            measure(store, NAME, scan, true, "zero-copy MessageStore.scan of the 4 queues in turn, a batch each, " +
                "each body's first and last 8 bytes read");
            measure(store, NAME + ".copy", copy, true, "MessageStore.read of the 4 queues in turn, one copy of each " +
                "record into the batch's array");
            measure(store, NAME + ".queue_by_queue", scan, false, "zero-copy MessageStore.scan, one queue to its end " +
                "before the next");
        }
        finally
        {
            BenchDirectory.delete(directory);
        }
    }

    /** Reads one batch of a queue from {@code offset}, counting into {@code seen}; returns the next offset. */
    @FunctionalInterface
    private interface BatchReader
    {
        long read(MessageStore store, int queueId, long offset, long end, long[] seen);
    }

    private void measure(final MessageStore store, final String name, final BatchReader reader,
        final boolean interleaved, final String how)
    {
        final long start = System.nanoTime();
        final long messages = catchUp(store, reader, interleaved, Long.MAX_VALUE);
        final long elapsedNs = System.nanoTime() - start;
        if (messages != settings.readMessages())
        {
            throw new IllegalStateException("catch-up read lost messages: written=" + settings.readMessages() +
                ", read=" + messages);
        }
        results.report(name, messages * 1e9 / elapsedNs, "msgs/s");
        results.note("%s: %s, messages=%d seconds=%.3f", name, how, messages, elapsedNs / 1e9);
    }

    /**
     * Reads every queue from offset 0 to its end (or {@code limit} per queue): one batch per queue in turn
     * ({@code interleaved}, as a consumer of the whole topic does) or queue after queue.
     *
     * @return messages read, after checking that each came back once with its body.
     */
    private long catchUp(final MessageStore store, final BatchReader reader, final boolean interleaved,
        final long limit)
    {
        final int queues = BenchMessages.QUEUES;
        final long[] offsets = new long[queues];
        final long[] ends = new long[queues];
        final long[] seen = new long[2];
        for (int q = 0; q < queues; q++)
        {
            ends[q] = Math.min(limit, store.maxOffset(BenchMessages.TOPIC, q));
        }
        boolean more = true;
        while (more)
        {
            more = false;
            for (int q = 0; q < queues; q++)
            {
                do
                {
                    if (offsets[q] < ends[q])
                    {
                        offsets[q] = reader.read(store, q, offsets[q], ends[q], seen);
                    }
                }
                while (!interleaved && offsets[q] < ends[q]);
                more |= offsets[q] < ends[q];
            }
        }
        long expected = 0;
        for (int q = 0; q < queues; q++)
        {
            expected += ends[q];
        }
        if (seen[0] != expected || seen[1] == 0)
        {
            throw new IllegalStateException("catch-up read is inconsistent: expected=" + expected + ", read=" + seen[0]);
        }
        return seen[0];
    }

    private long scanBatch(final MessageStore store, final int queueId, final long offset, final long end,
        final long[] seen)
    {
        final ScanResult result = store.scan(BenchMessages.TOPIC, queueId, offset,
            (int)Math.min(settings.readBatch(), end - offset), MAX_READ_BYTES, TagFilter.ALL, record ->
            {
                final DirectBuffer buffer = record.buffer();
                final int body = record.bodyOffset();
                seen[1] += (buffer.getLong(body) + buffer.getLong(body + record.bodySize() - 8)) | 1;
                seen[0]++;
                return true;
            });
        return checked(result.status(), result.nextOffset(), queueId, offset);
    }

    private long readBatch(final MessageStore store, final int queueId, final long offset, final long end,
        final long[] seen)
    {
        final ReadResult result = store.read(BenchMessages.TOPIC, queueId, offset,
            (int)Math.min(settings.readBatch(), end - offset), MAX_READ_BYTES, TagFilter.ALL);
        final List<StoredMessage> batch = result.messages();
        for (int i = 0, n = batch.size(); i < n; i++)
        {
            seen[1] += batch.get(i).bodySize();
        }
        seen[0] += batch.size();
        return checked(result.status(), result.nextOffset(), queueId, offset);
    }

    private static long checked(final ReadStatus status, final long next, final int queueId, final long offset)
    {
        if (status != ReadStatus.FOUND)
        {
            throw new IllegalStateException("catch-up read stopped: queueId=" + queueId + ", offset=" + offset +
                ", status=" + status);
        }
        return next;
    }

    private static void fill(final MessageStore store, final int count)
    {
        final List<AppendRequest> requests = BenchMessages.requests(BODY_BYTES);
        final AppendReceipt receipt = new AppendReceipt();
        final int queues = requests.size();
        int i = 0;
        while (i < count)
        {
            try
            {
                store.append(requests.get(i % queues), receipt);
                i++;
            }
            catch (final RockletException e)
            {
                if (e.errorCode() != ErrorCode.BUSY)
                {
                    throw e;
                }
            }
        }
    }

}

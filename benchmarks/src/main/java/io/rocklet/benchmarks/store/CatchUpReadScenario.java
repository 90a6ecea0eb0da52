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
import io.rocklet.store.StoreConfig;
import io.rocklet.store.StoredMessage;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Catch-up read: a consumer that starts at the beginning of a large backlog. Writes the backlog
 * (ASYNC, spread over {@link BenchMessages#QUEUES} queues), waits for the dispatcher, reads part of
 * it once to warm up, then reads every queue from offset 0 to its end with
 * {@link MessageStore#read} in batches on one thread, checking that every message comes back once.
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

            readQueue(store, 0, Math.min(store.maxOffset(BenchMessages.TOPIC, 0), 1_000_000));
            final long start = System.nanoTime();
            long messages = 0;
            for (int queueId = 0; queueId < BenchMessages.QUEUES; queueId++)
            {
                messages += readQueue(store, queueId, store.maxOffset(BenchMessages.TOPIC, queueId));
            }
            final long elapsedNs = System.nanoTime() - start;
            if (messages != settings.readMessages())
            {
                throw new IllegalStateException("catch-up read lost messages: written=" + settings.readMessages() +
                    ", read=" + messages);
            }
            results.report(NAME, messages * 1e9 / elapsedNs, "msgs/s");
            results.note("%s: messages=%d seconds=%.3f", NAME, messages, elapsedNs / 1e9);
        }
        finally
        {
            BenchDirectory.delete(directory);
        }
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

    /**
     * Reads {@code queueId} from offset 0 to {@code end}, checking that offsets are dense.
     *
     * @return messages read.
     */
    private long readQueue(final MessageStore store, final int queueId, final long end)
    {
        long offset = 0;
        long messages = 0;
        long bodyBytes = 0;
        while (offset < end)
        {
            final ReadResult result = store.read(BenchMessages.TOPIC, queueId, offset,
                (int)Math.min(settings.readBatch(), end - offset), MAX_READ_BYTES, TagFilter.ALL);
            if (result.status() != ReadStatus.FOUND)
            {
                throw new IllegalStateException("catch-up read stopped: queueId=" + queueId + ", offset=" + offset +
                    ", status=" + result.status());
            }
            final List<StoredMessage> batch = result.messages();
            for (int i = 0, n = batch.size(); i < n; i++)
            {
                bodyBytes += batch.get(i).bodySize();
            }
            messages += batch.size();
            offset = result.nextOffset();
        }
        if (messages != end || bodyBytes != messages * BODY_BYTES)
        {
            throw new IllegalStateException("catch-up read is inconsistent: queueId=" + queueId + ", expected=" + end +
                ", read=" + messages + ", bodyBytes=" + bodyBytes);
        }
        return messages;
    }
}

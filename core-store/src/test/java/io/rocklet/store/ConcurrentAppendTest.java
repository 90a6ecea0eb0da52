package io.rocklet.store;

import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class ConcurrentAppendTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepQueueOffsetsDenseWhenManyThreadsAppendWithSyncFlush() throws Exception
    {
        final StoreConfig config = StoreConfig.builder(dir).segmentSizeBytes(256 * 1024).maxBodyBytes(1024)
            .consumeQueueEntriesPerFile(1000).indexSlotsPerFile(64).indexEntriesPerFile(256)
            .flushMode(FlushMode.SYNC).build();
        final int threads = 8;
        final int perThread = 500;
        try (MessageStore store = MessageStores.open(config))
        {
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            final CountDownLatch start = new CountDownLatch(1);
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                futures.add(pool.submit(() ->
                {
                    start.await();
                    final AppendReceipt receipt = new AppendReceipt();
                    for (int i = 0; i < perThread; i++)
                    {
                        final byte[] body = ByteBuffer.allocate(8).putInt(thread).putInt(i).array();
                        store.append(AppendRequest.of(Message.of("t", body), thread % 3), receipt);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (final Future<?> f : futures)
            {
                f.get();
            }
            pool.shutdown();
            final StoreStats stats = store.stats();
            assertTrue(stats.flushedPosition() >= stats.writePosition(), stats.toString());
            long total = 0;
            for (int q = 0; q < 3; q++)
            {
                long offset = 0;
                final int[] lastPerThread = new int[threads];
                java.util.Arrays.fill(lastPerThread, -1);
                while (true)
                {
                    final long max = store.maxOffset("t", q);
                    final ReadResult r = store.read("t", q, offset, 100, Integer.MAX_VALUE, TagFilter.ALL);
                    if (r.status() != ReadStatus.FOUND)
                    {
                        if (offset >= expectedCount(q, threads, perThread))
                        {
                            break;
                        }
                        Thread.onSpinWait();
                        continue;
                    }
                    for (final StoredMessage m : r.messages())
                    {
                        assertEquals(offset, m.queueOffset());
                        final ByteBuffer b = m.body();
                        final int thread = b.getInt();
                        final int i = b.getInt();
                        assertEquals(lastPerThread[thread] + 1, i, "per-thread order in queue " + q);
                        lastPerThread[thread] = i;
                        offset++;
                        total++;
                    }
                    assertTrue(offset <= max || max == 0 || offset <= store.maxOffset("t", q));
                }
            }
            assertEquals((long)threads * perThread, total);
        }
    }

    private static long expectedCount(final int queue, final int threads, final int perThread)
    {
        long count = 0;
        for (int t = 0; t < threads; t++)
        {
            if (t % 3 == queue)
            {
                count += perThread;
            }
        }
        return count;
    }
}

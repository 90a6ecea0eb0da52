package io.rocklet.store.internal.flush;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.internal.StoreHealth;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class LogFlusherTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final StoreHealth health = new StoreHealth("/test/store");
    private final AtomicLong committed = new AtomicLong();
    private final List<long[]> syncs = new CopyOnWriteArrayList<>();

    @Test
    void shouldSyncFromTheFlushedPositionToTheCommittedOneWhenFlushed()
    {
        final LogFlusher flusher = flusher((from, to) -> syncs.add(new long[] {from, to}), 100);
        committed.set(500);

        flusher.flush();
        committed.set(800);
        flusher.flush();

        assertEquals(2, syncs.size());
        assertArrayEquals(new long[] {100, 500}, syncs.get(0));
        assertArrayEquals(new long[] {500, 800}, syncs.get(1));
        assertEquals(800, flusher.flushedPosition());
        assertEquals(0, flusher.dirtyBytes());
        assertEquals(2, flusher.flushCount());
    }

    @Test
    void shouldReturnAtOnceWhenThePositionIsAlreadyDurable()
    {
        final LogFlusher flusher = flusher((from, to) -> syncs.add(new long[] {from, to}), 100);
        committed.set(100);

        flusher.awaitDurable(50);
        flusher.awaitDurable(100);

        assertEquals(List.of(), syncs, "nothing to sync");
        assertEquals(0, flusher.flushCount());
    }

    @Test
    void shouldNeverSyncWhenFsyncIsOff()
    {
        final LogFlusher flusher = new LogFlusher((from, to) -> fail("no sync without fsync"), health, committed::get,
            SystemNanoClock.INSTANCE, TIMEOUT_NS, false, 0);
        committed.set(1000);

        flusher.awaitDurable(1000);

        assertEquals(1000, flusher.flushedPosition(), "everything committed counts as flushed");
        assertEquals(0, flusher.dirtyBytes());
    }

    @Test
    void shouldFenceTheStoreWhenASyncFails()
    {
        final StorageException ioError = new StorageException(ErrorCode.IO_ERROR, "msync failed: file=segment-0");
        final LogFlusher flusher = flusher((from, to) ->
        {
            throw ioError;
        }, 0);
        committed.set(100);

        final StorageException first = assertThrows(StorageException.class, () -> flusher.awaitDurable(100));

        assertEquals(ErrorCode.STORE_FENCED, first.errorCode(), "the leader sees the store fenced");
        assertSame(ioError, first.getCause(), "with the failure as the cause");
        assertTrue(health.isFenced(), "fenced");
        assertSame(ioError, health.fenceCause());
        assertEquals(0, flusher.flushedPosition(), "nothing became durable");

        final StorageException later = assertThrows(StorageException.class, () -> flusher.awaitDurable(100));
        assertEquals(ErrorCode.STORE_FENCED, later.errorCode());
        assertFalse(later.retriable(), "fenced until reopened");
        assertTrue(later.getMessage().contains("msync failed: file=segment-0"),
            "names the cause: " + later.getMessage());
        assertSame(ioError, later.getCause());

        final StorageException write = assertThrows(StorageException.class, health::checkWritable);
        assertEquals(ErrorCode.STORE_FENCED, write.errorCode(), "appends are refused");
        assertDoesNotThrow(health::checkOpen, "reads go on");
    }

    @Test
    void shouldKeepTheFirstCauseWhenFencedTwice()
    {
        final IllegalStateException first = new IllegalStateException("first");

        health.fence(first);
        health.fence(new IllegalStateException("second"));

        assertSame(first, health.fenceCause());
    }

    @Test
    void shouldTimeOutWhenAnotherFlushTakesLongerThanTheSyncTimeout() throws Exception
    {
        final CountDownLatch inSync = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong ticks = new AtomicLong();
        final NanoClock clock = () -> ticks.addAndGet(TimeUnit.SECONDS.toNanos(10));
        final LogFlusher flusher = new LogFlusher((from, to) ->
        {
            inSync.countDown();
            await(release);
        }, health, committed::get, clock, TimeUnit.SECONDS.toNanos(5), true, 0);
        committed.set(100);
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try
        {
            final Future<?> leader = pool.submit(() -> flusher.awaitDurable(100));
            assertTrue(inSync.await(30, TimeUnit.SECONDS), "the leader started syncing");
            committed.set(200);

            final StorageException e = assertThrows(StorageException.class, () -> flusher.awaitDurable(200));

            assertEquals(ErrorCode.FLUSH_TIMEOUT, e.errorCode());
            assertTrue(e.retriable(), "a timeout may be retried");
            assertTrue(e.getMessage().contains("position=200"), e.getMessage());
            release.countDown();
            leader.get(30, TimeUnit.SECONDS);
            assertFalse(health.isFenced(), "a timeout does not fence");
        }
        finally
        {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void shouldShareOneFlushAmongWaitersWhenTheyArriveDuringAFlush() throws Exception
    {
        final int waiters = 6;
        final CountDownLatch inSync = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final LogFlusher flusher = flusher((from, to) ->
        {
            syncs.add(new long[] {from, to});
            inSync.countDown();
            await(release);
        }, 0);
        committed.set(100);
        final ExecutorService pool = Executors.newFixedThreadPool(waiters + 1);
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            final List<Thread> waiting = new CopyOnWriteArrayList<>();
            futures.add(pool.submit(() -> flusher.awaitDurable(100)));
            assertTrue(inSync.await(30, TimeUnit.SECONDS), "the leader started syncing");
            for (int i = 1; i <= waiters; i++)
            {
                final long position = 100 + 10L * i;
                committed.set(Math.max(committed.get(), position));
                futures.add(pool.submit(() ->
                {
                    waiting.add(Thread.currentThread());
                    flusher.awaitDurable(position);
                }));
            }
            awaitAllParkedWithTimeout(waiting, waiters);

            release.countDown();
            for (final Future<?> future : futures)
            {
                future.get(30, TimeUnit.SECONDS);
            }

            assertEquals(2, flusher.flushCount(),
                "one flush for the leader, one shared by all " + waiters + " waiters");
            assertEquals(2, syncs.size());
            assertArrayEquals(new long[] {100, 100 + 10L * waiters}, syncs.get(1), "the second covers every waiter");
            assertEquals(100 + 10L * waiters, flusher.flushedPosition());
        }
        finally
        {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private LogFlusher flusher(final LogFlusher.LogSync sync, final long start)
    {
        committed.set(start);
        return new LogFlusher(sync, health, committed::get, SystemNanoClock.INSTANCE, TIMEOUT_NS, true, start);
    }

    /** Waits until every waiter sits in the flusher's timed condition wait (not sleeping: polling a state). */
    private static void awaitAllParkedWithTimeout(final List<Thread> threads, final int count)
    {
        while (true)
        {
            int parked = 0;
            for (final Thread thread : threads)
            {
                if (thread.getState() == Thread.State.TIMED_WAITING)
                {
                    parked++;
                }
            }
            if (threads.size() == count && parked == count)
            {
                return;
            }
            Thread.yield();
        }
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "released");
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

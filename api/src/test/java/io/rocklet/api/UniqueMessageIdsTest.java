package io.rocklet.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class UniqueMessageIdsTest
{
    private static final long NOW_MS = 1_700_000_000_000L;

    @Test
    void shouldGenerateDistinctIncreasingIdsWhenManyShareOneMillisecond()
    {
        final Set<String> ids = new HashSet<>();
        String previous = UniqueMessageIds.next(NOW_MS);
        for (int i = 0; i < 100_000; i++)
        {
            final String id = UniqueMessageIds.next(NOW_MS);
            assertTrue(UniqueMessageIds.isUniqueId(id), id);
            assertTrue(id.compareTo(previous) > 0, previous + " then " + id);
            assertEquals(previous.substring(0, 16), id.substring(0, 16), "one instance prefix");
            assertTrue(ids.add(id), id);
            previous = id;
        }
    }

    @Test
    void shouldNotGoBackWhenTheClockDoes()
    {
        final String later = UniqueMessageIds.next(NOW_MS + 60_000);
        final String earlier = UniqueMessageIds.next(NOW_MS);
        assertTrue(earlier.compareTo(later) > 0, later + " then " + earlier);
    }

    @Test
    void shouldKeepAnExistingIdAndAddOneWhenMissing()
    {
        final Message plain = Message.builder("orders").property("p", "v").body("x").build();
        final Message identified = UniqueMessageIds.ensure(plain, NOW_MS);

        assertNull(UniqueMessageIds.of(plain));
        assertTrue(UniqueMessageIds.isUniqueId(UniqueMessageIds.of(identified)));
        assertEquals("v", identified.properties().get("p"));
        assertSame(identified, UniqueMessageIds.ensure(identified, NOW_MS));
    }

    @Test
    void shouldGiveDistinctIdsWhenThreadsGenerateAtOnce() throws Exception
    {
        final int threads = 4;
        final int perThread = 5_000;
        final Set<String> ids = ConcurrentHashMap.newKeySet();
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                done.add(pool.submit(() ->
                {
                    start.await();
                    for (int i = 0; i < perThread; i++)
                    {
                        final String id = UniqueMessageIds.next(NOW_MS);
                        assertTrue(UniqueMessageIds.isUniqueId(id), id);
                        ids.add(id);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (final Future<?> future : done)
            {
                future.get(10, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
        }

        assertEquals(threads * perThread, ids.size(), "each thread's digits are its own");
    }

    @Test
    void shouldRecogniseOnlyThirtyTwoHexDigitsAsAUniqueId()
    {
        assertFalse(UniqueMessageIds.isUniqueId(null));
        assertFalse(UniqueMessageIds.isUniqueId("0".repeat(24)));
        assertFalse(UniqueMessageIds.isUniqueId("G".repeat(32)));
        assertTrue(UniqueMessageIds.isUniqueId("0123456789abcdef0123456789ABCDEF"));
    }
}

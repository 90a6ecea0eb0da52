package io.rocklet.benchmarks.scenario;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceivedSetTest
{
    @Test
    void shouldCountDistinctDuplicateAndUnexpectedDeliveries() throws Exception
    {
        final ReceivedSet received = new ReceivedSet(130);

        assertEquals(1, received.mark(0));
        assertEquals(2, received.mark(129));
        assertTrue(received.markFirst(64));
        assertFalse(received.markFirst(64));
        assertEquals(0, received.mark(130));
        assertEquals(0, received.mark(-1));

        assertEquals(3, received.distinct());
        assertEquals(1, received.duplicates());
        assertEquals(2, received.unexpected());
        assertTrue(received.awaitDistinct(3, 0));
        assertFalse(received.awaitDistinct(4, 1_000_000));
    }

    @Test
    void shouldGiveEachCountToExactlyOneOfManyThreads() throws Exception
    {
        final int messages = 100_000;
        final ReceivedSet received = new ReceivedSet(messages);
        final AtomicInteger sawLast = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            threads.add(new Thread(() ->
            {
                for (int sequence = 0; sequence < messages; sequence++)
                {
                    if (received.mark(sequence) == messages)
                    {
                        sawLast.incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join();
        }

        assertEquals(messages, received.distinct());
        assertEquals(3L * messages, received.duplicates());
        assertEquals(1, sawLast.get());
    }
}

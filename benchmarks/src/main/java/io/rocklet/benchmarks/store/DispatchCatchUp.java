package io.rocklet.benchmarks.store;

import io.rocklet.store.MessageStore;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for the store's dispatcher to build consume queues up to everything appended.
 */
final class DispatchCatchUp
{
    private static final long POLL_NS = TimeUnit.MICROSECONDS.toNanos(100);

    private DispatchCatchUp()
    {
    }

    /**
     * @param store     the store.
     * @param timeoutNs how long to wait at most.
     * @return nanoseconds until the dispatch lag was zero.
     * @throws IllegalStateException when the lag is not zero after {@code timeoutNs}.
     */
    static long await(final MessageStore store, final long timeoutNs)
    {
        final long start = System.nanoTime();
        while (store.dispatchLagBytes() > 0)
        {
            if (System.nanoTime() - start > timeoutNs)
            {
                throw new IllegalStateException("dispatcher did not catch up: lagBytes=" + store.dispatchLagBytes() +
                    ", waitedMs=" + TimeUnit.NANOSECONDS.toMillis(timeoutNs));
            }
            LockSupport.parkNanos(POLL_NS);
        }
        return System.nanoTime() - start;
    }
}

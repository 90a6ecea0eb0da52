package io.rocklet.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or a deadline passes: for broker state that sends no notification (committed
 * offsets). A passing wait returns as soon as the condition holds; the deadline only bounds a failing one.
 */
final class Waits
{
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private Waits()
    {
    }

    /**
     * @return the {@link System#nanoTime()} at which {@code timeout} from now ends.
     */
    static long deadline(final Duration timeout)
    {
        return System.nanoTime() + timeout.toNanos();
    }

    /**
     * @return nanoseconds left until {@code deadlineNs}, or zero or less when it has passed.
     */
    static long remainingNs(final long deadlineNs)
    {
        return deadlineNs - System.nanoTime();
    }

    /**
     * @return true when {@code condition} held before {@code deadlineNs}.
     */
    static boolean until(final long deadlineNs, final BooleanSupplier condition)
    {
        while (!condition.getAsBoolean())
        {
            if (remainingNs(deadlineNs) <= 0)
            {
                return false;
            }
            LockSupport.parkNanos(POLL_NS);
            if (Thread.currentThread().isInterrupted())
            {
                throw new IllegalStateException("interrupted while waiting for the test broker");
            }
        }
        return true;
    }
}

package io.rocklet.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that other JVMs bring about, checking it every 20 ms; the deadline only bounds a failing
 * test, a passing one returns as soon as the condition holds.
 */
final class Await
{
    private Await()
    {
    }

    static void until(final Duration timeout, final BooleanSupplier condition, final Supplier<String> description)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("condition not met within " + timeout + ": " + description.get());
            }
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + description.get(), e);
            }
        }
    }
}

package io.rocklet.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a condition with a generous deadline, checking it every few milliseconds; the deadline only
 * bounds a failing test, a passing one returns as soon as the condition holds.
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
                fail("condition not met within " + timeout + ": " + description.get());
            }
            pause();
        }
    }

    static void until(final BooleanSupplier condition, final Supplier<String> description)
    {
        until(Duration.ofSeconds(30), condition, description);
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(5);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}

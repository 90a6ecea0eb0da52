package io.rocklet.transport.grpc;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a condition with a generous deadline, checking it every few milliseconds; the deadline only
 * bounds a failing test, a passing one returns as soon as the condition holds.
 */
public final class Await
{
    private Await()
    {
    }

    public static void until(final Duration timeout, final BooleanSupplier condition,
        final Supplier<String> description)
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

    public static void until(final BooleanSupplier condition, final Supplier<String> description)
    {
        until(Duration.ofSeconds(30), condition, description);
    }

    /**
     * Checks that a condition keeps holding for a while: for what must not happen (such as pulling past a
     * threshold), which only an observation over some time can show. A correct system passes whatever the
     * duration; a broken one fails when the duration is long enough for it to misbehave.
     */
    public static void holds(final Duration duration, final BooleanSupplier condition,
        final Supplier<String> description)
    {
        final long end = System.nanoTime() + duration.toNanos();
        do
        {
            if (!condition.getAsBoolean())
            {
                fail("condition broken within " + duration + ": " + description.get());
            }
            pause();
        }
        while (System.nanoTime() - end < 0);
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

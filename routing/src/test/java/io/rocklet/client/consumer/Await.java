package io.rocklet.client.consumer;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a condition in tests, checking every 5 ms.
 */
final class Await
{
    private Await()
    {
    }

    static void until(final BooleanSupplier condition, final Duration timeout, final Supplier<String> message)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out after " + timeout + ": " + message.get());
            }
            pause(5);
        }
    }

    static void until(final BooleanSupplier condition, final Supplier<String> message)
    {
        until(condition, Duration.ofSeconds(10), message);
    }

    static void pause(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}

package io.rocklet.transport.grpc;

import io.rocklet.api.RockletException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a call's future to fail and hands back its {@link RockletException}.
 */
final class Failures
{
    private Failures()
    {
    }

    static RockletException failure(final CompletableFuture<?> call)
    {
        try
        {
            final Object value = call.get(20, TimeUnit.SECONDS);
            return fail("call succeeded, expected a failure: value=" + value);
        }
        catch (final ExecutionException e)
        {
            return assertInstanceOf(RockletException.class, e.getCause(), "failure is not a RockletException");
        }
        catch (final TimeoutException e)
        {
            return fail("call neither failed nor succeeded in 20 s");
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}

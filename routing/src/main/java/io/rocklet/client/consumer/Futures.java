package io.rocklet.client.consumer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Small helpers for the futures the broker and router stubs return. Stateless.
 */
final class Futures
{
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private Futures()
    {
    }

    /**
     * @return an already completed future (shared; never complete or cancel it).
     */
    static CompletableFuture<Void> done()
    {
        return DONE;
    }

    /**
     * Runs a call that returns a future, turning a synchronous exception or a missing future into a failed future.
     */
    static <T> CompletableFuture<T> call(final Supplier<CompletableFuture<T>> call)
    {
        try
        {
            final CompletableFuture<T> result = call.get();
            return result != null ? result : CompletableFuture.failedFuture(
                new RockletException(ErrorCode.INTERNAL_ERROR, "service returned no future"));
        }
        catch (final RuntimeException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
    }

    /**
     * @return the cause behind the wrappers futures add.
     */
    static Throwable unwrap(final Throwable error)
    {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * @return the error code of a failure, INTERNAL_ERROR when it is not a {@link RockletException}.
     */
    static ErrorCode codeOf(final Throwable error)
    {
        return unwrap(error) instanceof RockletException ex ? ex.errorCode() : ErrorCode.INTERNAL_ERROR;
    }

    /**
     * @return true when a failure says the broker could not be reached or did not answer.
     */
    static boolean unavailable(final Throwable error)
    {
        final ErrorCode code = codeOf(error);
        return code == ErrorCode.BROKER_UNAVAILABLE || code == ErrorCode.TIMEOUT;
    }

    /**
     * Waits for a future on an application thread.
     *
     * @param what names the operation in the exception message.
     * @throws RockletException with the failure's code (TIMEOUT when the wait ran out) and {@code what}.
     */
    static <T> T await(final CompletableFuture<T> future, final Duration timeout, final String what)
    {
        try
        {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RockletException(ErrorCode.INTERNAL_ERROR, what + " failed: interrupted", ex);
        }
        catch (final TimeoutException ex)
        {
            throw new RockletException(ErrorCode.TIMEOUT, what + " failed: timeout=" + timeout, ex);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = unwrap(ex);
            final ErrorCode code = cause instanceof RockletException rex ? rex.errorCode() : ErrorCode.INTERNAL_ERROR;
            throw new RockletException(code, what + " failed: " + cause.getMessage(), cause);
        }
    }
}

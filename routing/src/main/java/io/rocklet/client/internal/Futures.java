package io.rocklet.client.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Helpers for remote calls: deadlines that fail with {@link ErrorCode#TIMEOUT}, calls that never throw,
 * and waiting for a future in a blocking API. Stateless.
 */
public final class Futures
{
    private Futures()
    {
    }

    /**
     * Runs a remote call, turning a synchronous throw or a null answer into a failed future.
     */
    public static <T> CompletableFuture<T> call(final Supplier<CompletableFuture<T>> call)
    {
        try
        {
            final CompletableFuture<T> result = call.get();
            return result != null ? result : CompletableFuture.failedFuture(
                new RockletException(ErrorCode.INTERNAL_ERROR, "remote call returned no future"));
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * @param source    the call's future; it is not modified (a late answer completes it as usual).
     * @param timeoutNs the deadline, from now.
     * @param what      describes the call for the error message (evaluated only on failure).
     * @return a future that completes as {@code source} does, or fails with a TIMEOUT {@link RockletException}
     *     after {@code timeoutNs}; failures arrive unwrapped (not as {@link CompletionException}).
     */
    public static <T> CompletableFuture<T> within(final CompletableFuture<T> source, final long timeoutNs,
        final Supplier<String> what)
    {
        if (source.isDone() && !source.isCompletedExceptionally())
        {
            return source; // answered already (the local transport answers in the call): no timer needed
        }
        final CompletableFuture<T> result = new CompletableFuture<>();
        if (timeoutNs <= 0 && !source.isDone())
        {
            result.completeExceptionally(timeout(what, timeoutNs));
            return result;
        }
        if (source.isDone())
        {
            // failed already, or answered since the first check (on another thread): no timer needed either
            source.whenComplete((value, error) ->
            {
                if (error == null)
                {
                    result.complete(value);
                }
                else
                {
                    result.completeExceptionally(unwrap(error));
                }
            });
            return result;
        }
        source.copy().orTimeout(timeoutNs, TimeUnit.NANOSECONDS).whenComplete((value, error) ->
        {
            if (error == null)
            {
                result.complete(value);
            }
            else
            {
                final Throwable cause = unwrap(error);
                result.completeExceptionally(cause instanceof TimeoutException ? timeout(what, timeoutNs) : cause);
            }
        });
        return result;
    }

    /**
     * @return the cause behind {@link CompletionException} and {@link ExecutionException} wrappers.
     */
    public static Throwable unwrap(final Throwable error)
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
     * @return {@code error} (unwrapped) as a {@link RockletException}: itself, TIMEOUT for a
     *     {@link TimeoutException}, INTERNAL_ERROR for anything else.
     */
    public static RockletException toRockletException(final Throwable error, final String context)
    {
        final Throwable cause = unwrap(error);
        if (cause instanceof RockletException rocklet)
        {
            return rocklet;
        }
        if (cause instanceof TimeoutException)
        {
            return new RockletException(ErrorCode.TIMEOUT, context + " timed out", cause);
        }
        return new RockletException(ErrorCode.INTERNAL_ERROR, context + " failed: error=" + cause, cause);
    }

    /**
     * @return the error code behind {@code error}, INTERNAL_ERROR for a non-Rocklet failure.
     */
    public static ErrorCode errorCode(final Throwable error)
    {
        final Throwable cause = unwrap(error);
        if (cause instanceof RockletException rocklet)
        {
            return rocklet.errorCode();
        }
        return cause instanceof TimeoutException ? ErrorCode.TIMEOUT : ErrorCode.INTERNAL_ERROR;
    }

    /**
     * Waits for a future whose completion is bounded by its own deadline (blocking APIs over async ones).
     *
     * @throws RockletException the failure, unwrapped; INTERNAL_ERROR when the waiting thread is interrupted
     *                          (its interrupt flag is set again).
     */
    public static <T> T await(final CompletableFuture<T> future, final String context)
    {
        try
        {
            return future.get();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new RockletException(ErrorCode.INTERNAL_ERROR, context + " interrupted", e);
        }
        catch (final ExecutionException e)
        {
            throw toRockletException(e, context);
        }
    }

    /**
     * {@link #await(CompletableFuture, String)} whose context, {@code what + ": topic=" + topic}, is only built when
     * the future failed: a sync call answered at once (the local transport) costs no string.
     */
    public static <T> T await(final CompletableFuture<T> future, final String what, final String topic)
    {
        if (future.isDone() && !future.isCompletedExceptionally())
        {
            return future.join();
        }
        return await(future, what + ": topic=" + topic);
    }

    private static RockletException timeout(final Supplier<String> what, final long timeoutNs)
    {
        return new RockletException(ErrorCode.TIMEOUT, what.get() + " timed out: timeoutMs=" +
            TimeUnit.NANOSECONDS.toMillis(Math.max(0, timeoutNs)));
    }
}

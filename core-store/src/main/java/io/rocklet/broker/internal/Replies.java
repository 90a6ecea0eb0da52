package io.rocklet.broker.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Turns the broker's work into the answers of its service: a future completed with the result, or failed with a
 * {@link RockletException} - never an exception thrown at the caller. Stateless.
 */
public final class Replies
{
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private Replies()
    {
    }

    /**
     * Runs {@code work}; what it throws fails the returned future instead.
     */
    public static <T> CompletableFuture<T> call(final String what, final Supplier<CompletableFuture<T>> work)
    {
        try
        {
            return work.get();
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(toRockletException(e, what));
        }
    }

    /**
     * Runs {@code work} and completes the returned future with its value.
     */
    public static <T> CompletableFuture<T> supply(final String what, final Supplier<T> work)
    {
        return call(what, () -> CompletableFuture.completedFuture(work.get()));
    }

    /**
     * Runs {@code work}, completing the returned future with null.
     */
    public static CompletableFuture<Void> run(final String what, final Runnable work)
    {
        return call(what, () ->
        {
            work.run();
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * @return {@code e} itself when it is a {@link RockletException}, else an INTERNAL_ERROR naming what failed.
     */
    public static RockletException toRockletException(final Throwable e, final String what)
    {
        if (e instanceof RockletException rocklet)
        {
            return rocklet;
        }
        LOG.error("unexpected broker failure: what={}, error={}", what, e.toString(), e);
        return new RockletException(ErrorCode.INTERNAL_ERROR, what + " failed: error=" + e, e);
    }
}

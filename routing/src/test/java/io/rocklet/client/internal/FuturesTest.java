package io.rocklet.client.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class FuturesTest
{
    @Test
    void shouldFailWithTimeoutWhenCallDoesNotAnswerInTime()
    {
        final CompletableFuture<String> never = new CompletableFuture<>();

        final CompletionException error = assertThrows(CompletionException.class,
            () -> Futures.within(never, TimeUnit.MILLISECONDS.toNanos(20), () -> "call: x=1").join());

        final RockletException cause = (RockletException)error.getCause();
        assertEquals(ErrorCode.TIMEOUT, cause.errorCode());
        assertEquals("call: x=1 timed out: timeoutMs=20", cause.getMessage());
        assertFalse(never.isDone(), "the call's own future is left alone");
    }

    @Test
    void shouldPassAnswerAndUnwrappedErrorWhenCallCompletes()
    {
        assertEquals("ok", Futures.within(CompletableFuture.completedFuture("ok"), 1_000_000_000L, () -> "x").join());
        final RockletException busy = new RockletException(ErrorCode.BUSY, "busy");

        final CompletableFuture<Object> failed = Futures.within(CompletableFuture.failedFuture(busy), 1_000_000_000L,
            () -> "x");

        assertSame(busy, Futures.unwrap(assertThrows(CompletionException.class, failed::join)));
    }

    @Test
    void shouldPassAnswerWhenCallAnswersWhileTheDeadlineIsSet() throws Exception
    {
        // the answer arrives on another thread between within's first look at the future and its second: within
        // completed its result with completeExceptionally(null), which threw inside whenComplete, and a blocking
        // send waited forever (seen over gRPC under load)
        final CompletableFuture<String> answeredAfterFirstLook = new CompletableFuture<>()
        {
            @Override
            public boolean isDone()
            {
                final boolean done = super.isDone();
                complete("ok");
                return done;
            }
        };

        assertEquals("ok", Futures.within(answeredAfterFirstLook, 1_000_000_000L, () -> "x").get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldTurnThrowOrNullIntoFailedFutureWhenCalling()
    {
        final CompletableFuture<Object> thrown = Futures.call(() ->
        {
            throw new RockletException(ErrorCode.BROKER_UNAVAILABLE, "down");
        });
        final CompletableFuture<Object> none = Futures.call(() -> null);

        assertEquals(ErrorCode.BROKER_UNAVAILABLE, Futures.errorCode(assertThrows(CompletionException.class,
            thrown::join)));
        assertEquals(ErrorCode.INTERNAL_ERROR, Futures.errorCode(assertThrows(CompletionException.class,
            none::join)));
    }

    @Test
    void shouldRethrowCauseAndKeepInterruptWhenAwaiting()
    {
        final RockletException busy = new RockletException(ErrorCode.BUSY, "busy");
        assertSame(busy, assertThrows(RockletException.class,
            () -> Futures.await(CompletableFuture.failedFuture(busy), "x")));

        Thread.currentThread().interrupt();
        assertThrows(RockletException.class, () -> Futures.await(new CompletableFuture<>(), "x"));
        assertTrue(Thread.interrupted());
    }
}

package io.rocklet.client.consumer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.client.internal.ClientContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

/**
 * Calls brokers (and the client context) for the consumers with a deadline of their own: a call
 * unanswered after two request timeouts fails with TIMEOUT, so that a lost answer cannot wedge a
 * rebalance, a queue hand-over or a retry. A synchronous failure (an unknown broker) becomes a failed
 * future. Long-poll pulls do not come here (their own stall check covers them). Thread-safe.
 */
final class BrokerCalls
{
    private final ClientContext context;
    private final ClientExecutor timers;
    private final long deadlineMs;

    BrokerCalls(final ClientContext context, final ClientExecutor timers)
    {
        this.context = context;
        this.timers = timers;
        this.deadlineMs = 2 * context.config().requestTimeout().toMillis();
    }

    /**
     * @param what names the call in the TIMEOUT message.
     * @return the broker's answer, or TIMEOUT after the deadline.
     */
    <T> CompletableFuture<T> call(final String brokerName, final String what,
        final Function<BrokerService, CompletableFuture<T>> call)
    {
        return bound(Futures.call(() -> call.apply(context.broker(brokerName))), what + ": broker=" + brokerName);
    }

    /**
     * @return {@code future}'s outcome, or TIMEOUT when it is not complete within the deadline.
     */
    <T> CompletableFuture<T> bound(final CompletableFuture<T> future, final String what)
    {
        if (future.isDone())
        {
            return future;
        }
        final CompletableFuture<T> result = new CompletableFuture<>();
        final ScheduledFuture<?> timer = timers.schedule(() -> result.completeExceptionally(
            new RockletException(ErrorCode.TIMEOUT, what + " unanswered: deadlineMs=" + deadlineMs)), deadlineMs);
        future.whenComplete((value, error) ->
        {
            ClientExecutor.cancel(timer);
            if (error == null)
            {
                result.complete(value);
            }
            else
            {
                result.completeExceptionally(Futures.unwrap(error));
            }
        });
        return result;
    }
}

package io.rocklet.broker.internal;

import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pull waiting for messages (long polling): completed once, by whichever thread gets there first - the
 * dispatcher on an arrival, the caller re-checking after it registered, or the broker agent at the deadline.
 */
final class HeldPull
{
    final PullRequest request;
    final PullFilter filter;
    final long deadlineNs;
    final CompletableFuture<PullResult> future = new CompletableFuture<>();
    /** Where to read from: moves past messages the filter rejected while the pull waited. */
    private final AtomicLong offset;

    HeldPull(final PullRequest request, final PullFilter filter, final long offset, final long deadlineNs)
    {
        this.request = request;
        this.filter = filter;
        this.offset = new AtomicLong(offset);
        this.deadlineNs = deadlineNs;
    }

    long offset()
    {
        return offset.get();
    }

    void advanceTo(final long next)
    {
        offset.accumulateAndGet(next, Math::max);
    }

    boolean isDone()
    {
        return future.isDone();
    }
}

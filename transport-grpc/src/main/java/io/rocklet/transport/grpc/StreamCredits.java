package io.rocklet.transport.grpc;

import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;

/**
 * The rules both ends of a {@code Subscribe} stream follow, so that they agree without telling each other: what a
 * streamed result costs in credits, and where the queue is read after it. Stateless.
 */
final class StreamCredits
{
    /** Most credits a stream holds at once. */
    static final int MAX_CREDITS = 1 << 20;

    private StreamCredits()
    {
    }

    /**
     * @return the credits a streamed result costs: one per message it carries, at least one.
     */
    static int cost(final PullResult result)
    {
        return Math.max(1, result.messages().size());
    }

    /**
     * @param offset where the pull that found {@code result} started.
     * @return where the next pull starts, as the consumers compute it: the broker's next offset, never going back
     *     except to leave an offset out of range.
     */
    static long nextOffset(final PullResult result, final long offset)
    {
        return result.status() == PullStatus.OFFSET_TOO_OLD || result.status() == PullStatus.OFFSET_OVERFLOW ?
            result.nextOffset() : Math.max(result.nextOffset(), offset);
    }
}

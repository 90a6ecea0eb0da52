package io.rocklet.client.consumer;

import java.util.List;

/**
 * Hands pulled messages to the listener: {@link ConcurrentConsumeService} or {@link OrderlyConsumeService}.
 */
interface ConsumeService
{
    /**
     * Called by the pull path after {@code messages} were added to {@code queue}; must not block.
     */
    void submit(ProcessQueue queue, List<ReceivedMessageImpl> messages);

    /**
     * Gives up the listener calls that have run for the consume timeout or longer by {@code nowNanos}: their
     * messages are handled as failed (sent back for retry), so their queues go on. Called on the client's
     * scheduler thread; must not block.
     *
     * @return how many calls were given up.
     */
    int expireOverdue(long nowNanos);
}

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
}

package io.rocklet.api;

import java.util.List;

/**
 * Processes messages for a {@link PushConsumer}. An exception counts as {@link ConsumeResult#RECONSUME_LATER}.
 * The offset is committed only after {@link ConsumeResult#SUCCESS} (at-least-once).
 */
@FunctionalInterface
public interface MessageListener
{
    /**
     * @param messages one or more messages (up to the consume batch size), all from one queue, in queue order.
     * @return the verdict for the whole batch.
     */
    ConsumeResult consume(List<ReceivedMessage> messages);
}

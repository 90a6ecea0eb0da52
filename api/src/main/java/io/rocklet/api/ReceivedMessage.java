package io.rocklet.api;

/**
 * A message as a consumer receives it: the stored message plus the queue it came from. For a message
 * redelivered through the retry topic, {@link #topic()} is the original topic and
 * {@link #reconsumeTimes()} counts the earlier failed deliveries.
 */
public interface ReceivedMessage extends MessageView
{
    /**
     * @return the queue the message was read from (the retry topic's queue for a redelivery).
     */
    MessageQueue queue();
}

package io.rocklet.api;

/**
 * A message as a consumer receives it: the stored message plus the queue it came from. For a message
 * redelivered through the retry topic, {@link #topic()} is the original topic and
 * {@link #reconsumeTimes()} counts the earlier failed deliveries. {@link #messageId()} is the message's unique id,
 * the same on every delivery; {@link #properties()} leaves out the property that carries it
 * ({@link SystemProperties#UNIQUE_ID}).
 */
public interface ReceivedMessage extends MessageView
{
    /**
     * @return the queue the message was read from (the retry topic's queue for a redelivery).
     */
    MessageQueue queue();
}

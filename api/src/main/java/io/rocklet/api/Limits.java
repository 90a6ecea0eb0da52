package io.rocklet.api;

/**
 * Fixed limits of the message model, and the defaults of the configurable ones.
 */
public final class Limits
{
    /** Longest topic name, in characters (RocketMQ's limit). */
    public static final int MAX_TOPIC_LENGTH = 127;

    /** Longest tag, in characters. */
    public static final int MAX_TAG_LENGTH = 255;

    /** Longest single key, in characters. */
    public static final int MAX_KEY_LENGTH = 255;

    /** Default largest message body: 4 MiB, as RocketMQ. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

    /** Largest encoded size of a message's producer id, tag, keys and user properties together. */
    public static final int MAX_PROPERTIES_BYTES = 32 * 1024 - 1;

    private Limits()
    {
    }
}

package io.rocklet.api;

/**
 * Where a consumer group starts in a queue it has no committed offset for.
 *
 * @param position    LAST, FIRST or TIMESTAMP.
 * @param timestampMs for TIMESTAMP: the first message stored at or after this time.
 */
public record ConsumeFrom(Position position, long timestampMs)
{
    /** Only messages sent from now on (a new group really starts at the end). */
    public static final ConsumeFrom LAST = new ConsumeFrom(Position.LAST, 0);
    /** Everything still stored. */
    public static final ConsumeFrom FIRST = new ConsumeFrom(Position.FIRST, 0);

    /** The three kinds of start. */
    public enum Position
    {
        LAST,
        FIRST,
        TIMESTAMP
    }

    public ConsumeFrom
    {
        Checks.notNull(position, "consumeFrom position");
    }

    /**
     * @return a start at the first message stored at or after {@code timestampMs}.
     */
    public static ConsumeFrom timestamp(final long timestampMs)
    {
        return new ConsumeFrom(Position.TIMESTAMP, timestampMs);
    }
}

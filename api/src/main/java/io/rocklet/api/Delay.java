package io.rocklet.api;

import java.time.Duration;

/**
 * When a message becomes visible to consumers: at once ({@link #NONE}), after one of the broker's delay levels
 * (RocketMQ's 18 levels {@code 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h} by default), at an
 * epoch-millisecond timestamp, or a duration after the broker stores it. At most one of the three is set. The
 * broker refuses a level it does not have and a time further ahead than its maximum delay (3 days by default);
 * a timestamp in the past delivers at once. Immutable.
 *
 * @param level     1-based delay level, or 0.
 * @param atEpochMs deliver at this wall-clock time (ms since the epoch), or 0.
 * @param afterMs   deliver this many ms after the broker stored the message, or 0.
 */
public record Delay(int level, long atEpochMs, long afterMs)
{
    /** No delay: visible as soon as stored. */
    public static final Delay NONE = new Delay(0, 0, 0);

    /**
     * @throws InvalidArgumentException when a value is negative or more than one is set.
     */
    public Delay
    {
        if (level < 0 || atEpochMs < 0 || afterMs < 0)
        {
            throw new InvalidArgumentException("illegal delay: level=" + level + ", atEpochMs=" + atEpochMs +
                ", afterMs=" + afterMs + " (none may be negative)");
        }
        if ((level > 0 ? 1 : 0) + (atEpochMs > 0 ? 1 : 0) + (afterMs > 0 ? 1 : 0) > 1)
        {
            throw new InvalidArgumentException("illegal delay: level=" + level + ", atEpochMs=" + atEpochMs +
                ", afterMs=" + afterMs + " (set a delay level or a delivery time, not both)");
        }
    }

    /**
     * @param level 1-based delay level of the broker.
     * @return a delay by level.
     */
    public static Delay level(final int level)
    {
        if (level < 1)
        {
            throw new InvalidArgumentException("illegal delay level: delayLevel=" + level + ", allowed: >= 1");
        }
        return new Delay(level, 0, 0);
    }

    /**
     * @param epochMs wall-clock time to deliver at.
     * @return a delay to a timestamp.
     */
    public static Delay at(final long epochMs)
    {
        if (epochMs < 1)
        {
            throw new InvalidArgumentException("illegal delivery time: deliverAtMs=" + epochMs + ", allowed: >= 1");
        }
        return new Delay(0, epochMs, 0);
    }

    /**
     * @param delay how long after the broker stores the message.
     * @return a delay by duration; a zero duration is no delay.
     */
    public static Delay after(final Duration delay)
    {
        if (delay == null || delay.isNegative())
        {
            throw new InvalidArgumentException("illegal delivery delay: deliverAfter=" + delay + ", allowed: >= 0");
        }
        return new Delay(0, 0, delay.toMillis());
    }

    /**
     * @return true unless this is {@link #NONE}.
     */
    public boolean isDelayed()
    {
        return level > 0 || atEpochMs > 0 || afterMs > 0;
    }

    /**
     * @return true for a delivery time (at a timestamp or after a duration), not a level.
     */
    public boolean isTimed()
    {
        return atEpochMs > 0 || afterMs > 0;
    }

    /**
     * @param nowMs the broker's wall clock when it stores the message.
     * @return the time this timed delay is due at.
     */
    public long dueMs(final long nowMs)
    {
        return atEpochMs > 0 ? atEpochMs : nowMs + afterMs;
    }
}

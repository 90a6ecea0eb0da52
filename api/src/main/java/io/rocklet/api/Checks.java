package io.rocklet.api;

import java.time.Duration;

/**
 * Argument checks shared by the config builders; each failure names the setting.
 */
final class Checks
{
    private Checks()
    {
    }

    static void groupName(final String group, final String what)
    {
        if (group == null || !TopicNames.isValid(group))
        {
            throw new InvalidArgumentException("illegal " + what + ": group=" + group +
                ", allowed=[%|a-zA-Z0-9_-], 1.." + Limits.MAX_TOPIC_LENGTH + " characters");
        }
    }

    static void positive(final Duration duration, final String what)
    {
        if (duration == null || duration.isNegative() || duration.isZero())
        {
            throw new InvalidArgumentException("illegal " + what + "=" + duration + ", allowed: > 0");
        }
    }

    static void range(final long value, final long min, final long max, final String what)
    {
        if (value < min || value > max)
        {
            throw new InvalidArgumentException("illegal " + what + "=" + value + ", allowed: " + min + ".." + max);
        }
    }

    static void notNull(final Object value, final String what)
    {
        if (value == null)
        {
            throw new InvalidArgumentException("illegal " + what + "=null");
        }
    }
}

package io.rocklet.testkit;

import io.rocklet.api.InvalidArgumentException;

import java.time.Duration;

/**
 * Argument checks of the test kit's public methods; each failure names the argument and what is allowed.
 */
final class Arguments
{
    private Arguments()
    {
    }

    static Duration timeout(final Duration timeout, final String method)
    {
        if (timeout == null || timeout.isNegative() || timeout.isZero())
        {
            throw new InvalidArgumentException("illegal " + method + " argument: timeout=" + timeout +
                ", allowed: > 0");
        }
        return timeout;
    }

    static long count(final long count, final String method)
    {
        if (count < 0)
        {
            throw new InvalidArgumentException("illegal " + method + " argument: count=" + count + ", allowed: >= 0");
        }
        return count;
    }

    static <T> T notNull(final T value, final String name, final String method)
    {
        if (value == null)
        {
            throw new InvalidArgumentException("illegal " + method + " argument: " + name + "=null");
        }
        return value;
    }
}

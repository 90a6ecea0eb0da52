package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected failures of admin calls: the error code and what the message names.
 */
final class AdminExpect
{
    private AdminExpect()
    {
    }

    /**
     * Asserts that {@code call} fails with {@code code} and a message naming {@code named}.
     */
    static RockletException failure(final ErrorCode code, final String named, final Executable call)
    {
        final RockletException error = assertThrows(RockletException.class, call);
        assertEquals(code, error.errorCode(), error.toString());
        assertTrue(error.getMessage().contains(named), "'" + named + "' not named in: " + error.getMessage());
        return error;
    }

    /**
     * Asserts that {@code call} is refused as an invalid argument naming {@code field}.
     */
    static void invalid(final String field, final Executable call)
    {
        final InvalidArgumentException error = assertThrows(InvalidArgumentException.class, call);
        assertTrue(error.getMessage().contains(field), "'" + field + "' not named in: " + error.getMessage());
    }

    /**
     * Lets the wall clock move past every store time so far, so that the next messages are stored later.
     */
    static long tick()
    {
        final long now = System.currentTimeMillis();
        Await.until(() -> System.currentTimeMillis() > now + 1, () -> "the clock moves on");
        return System.currentTimeMillis();
    }
}

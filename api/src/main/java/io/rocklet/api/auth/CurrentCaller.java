package io.rocklet.api.auth;

import java.util.function.Supplier;

/**
 * The authenticated caller of the SPI call running on the current thread, for the few operations that record who
 * made them (the audit line of a change of users or policies). The transports' choke point sets it for the
 * synchronous part of each call ({@link #callAs}); a service reads it on entry, before any hand-off to another
 * thread. Outside a checked call it is {@link Caller#ANONYMOUS}.
 */
public final class CurrentCaller
{
    private static final ThreadLocal<Caller> CALLER = new ThreadLocal<>();

    private CurrentCaller()
    {
    }

    /**
     * @return the caller of the call on this thread, or {@link Caller#ANONYMOUS} outside a checked call.
     */
    public static Caller get()
    {
        final Caller caller = CALLER.get();
        return caller == null ? Caller.ANONYMOUS : caller;
    }

    /**
     * Runs {@code call} with {@code caller} as the current caller of this thread, restoring the previous one after.
     *
     * @return what {@code call} returned.
     */
    public static <T> T callAs(final Caller caller, final Supplier<T> call)
    {
        final Caller previous = CALLER.get();
        CALLER.set(caller);
        try
        {
            return call.get();
        }
        finally
        {
            if (previous == null)
            {
                CALLER.remove();
            }
            else
            {
                CALLER.set(previous);
            }
        }
    }
}

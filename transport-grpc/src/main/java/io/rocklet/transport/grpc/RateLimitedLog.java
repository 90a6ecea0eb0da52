package io.rocklet.transport.grpc;

import org.slf4j.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Logs one line per kind of event at most once per interval, with how many were left out since the last line, so
 * that a flood (garbage connections, connections over the cap) costs a few lines and no stack traces. Thread-safe.
 */
final class RateLimitedLog
{
    /** Most kinds counted apart (kinds come from peers' errors: the map must not grow without bound). */
    private static final int MAX_KINDS = 64;
    private static final String OTHER = "(other)";

    private final Logger log;
    private final long intervalNs;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** One kind's state. */
    private static final class Window
    {
        private boolean logged;
        private long lastLogNs;
        private long suppressed;
    }

    /**
     * @param log        where lines go.
     * @param intervalNs at most one line per kind this often.
     * @param nanoClock  monotonic time ({@code System::nanoTime}; a fake in tests).
     */
    RateLimitedLog(final Logger log, final long intervalNs, final LongSupplier nanoClock)
    {
        this.log = log;
        this.intervalNs = intervalNs;
        this.nanoClock = nanoClock;
    }

    /**
     * Logs {@code message} (key=value text without the kind) at WARN, unless a line of this kind was logged within
     * the interval; then only counts it.
     *
     * @return true when a line was written.
     */
    boolean warn(final String kind, final String message)
    {
        final String key = windows.containsKey(kind) || windows.size() < MAX_KINDS ? kind : OTHER;
        final Window window = windows.computeIfAbsent(key, k -> new Window());
        final long suppressed;
        synchronized (window)
        {
            final long nowNs = nanoClock.getAsLong();
            if (window.logged && nowNs - window.lastLogNs < intervalNs)
            {
                window.suppressed++;
                return false;
            }
            window.logged = true;
            window.lastLogNs = nowNs;
            suppressed = window.suppressed;
            window.suppressed = 0;
        }
        log.warn("{}, kind={}, suppressedSinceLastLine={}", message, key, suppressed);
        return true;
    }
}

package io.rocklet.transport.grpc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Turns gRPC's report of a failed server connection - {@code "Transport failed"} with a stack trace of 26 lines at
 * INFO through {@code java.util.logging}, once per connection: any garbage on the port (an HTTP/1 request, random
 * bytes) - into one rate-limited slf4j line per kind of failure, without the stack trace: at most one line per kind
 * every {@link #INTERVAL_NS}, with the count left out since the last one.
 *
 * <p>It sets a filter on gRPC's {@code NettyServerTransport.connections} logger, which is global to the JVM (as
 * that logger is); {@link #install()} is idempotent and called by every server the transport starts. Other records
 * of that logger pass as they are. Thread-safe.
 */
final class TransportFailureLog implements Filter
{
    /** At most one line per kind of failure this often. */
    static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = LoggerFactory.getLogger(TransportFailureLog.class);
    /** The logger gRPC reports connection failures on (shaded class name + {@code .connections}). */
    private static final String GRPC_LOGGER = "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections";
    private static final String FAILED = "Transport failed";
    private static final int MAX_KIND_CHARS = 80;
    private static final int MAX_ERROR_CHARS = 200;
    /** Held so that the JUL logger, weakly referenced by its manager, keeps the filter. */
    private static final java.util.logging.Logger GRPC = java.util.logging.Logger.getLogger(GRPC_LOGGER);
    private static final TransportFailureLog INSTANCE = new TransportFailureLog(
        new RateLimitedLog(LOG, INTERVAL_NS, System::nanoTime));

    private final RateLimitedLog lines;

    TransportFailureLog(final RateLimitedLog lines)
    {
        this.lines = lines;
    }

    /**
     * Filters gRPC's server transport logger (once per JVM).
     */
    static void install()
    {
        synchronized (GRPC)
        {
            if (GRPC.getFilter() != INSTANCE)
            {
                GRPC.setFilter(INSTANCE);
            }
        }
    }

    @Override
    public boolean isLoggable(final LogRecord record)
    {
        final Throwable error = record.getThrown();
        if (error == null || !FAILED.equals(record.getMessage()))
        {
            return true;
        }
        lines.warn(kind(error), "server connection failed, closed: error=" + clip(String.valueOf(error.getMessage()),
            MAX_ERROR_CHARS));
        return false;
    }

    /**
     * @return the failure's class and the start of its message, e.g. {@code Http2Exception: Unexpected HTTP/1.x
     *     request} (without what the peer sent, so that one kind of garbage is one kind).
     */
    static String kind(final Throwable error)
    {
        final String message = String.valueOf(error.getMessage());
        int end = message.length();
        for (final String stop : new String[] {": ", ". ", "\n"})
        {
            final int at = message.indexOf(stop);
            if (at >= 0 && at < end)
            {
                end = at;
            }
        }
        return error.getClass().getSimpleName() + ": " + clip(message.substring(0, end), MAX_KIND_CHARS);
    }

    private static String clip(final String text, final int maxChars)
    {
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + "...";
    }
}

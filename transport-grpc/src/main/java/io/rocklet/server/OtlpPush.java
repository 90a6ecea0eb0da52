package io.rocklet.server;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpHttpMetricsSender;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.registry.otlp.OtlpMetricsSender;
import io.rocklet.server.ServerSettings.Otlp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's OTLP metrics push ({@code --otlp-endpoint}): Micrometer's {@link OtlpMeterRegistry} (OTLP/HTTP,
 * protobuf, cumulative temporality) on one daemon thread, {@code rocklet-otlp-push}, publishing every step. Each
 * request is bounded (connect timeout at most 2 s, read timeout at most 10 s, neither longer than the step), so
 * {@link #close()} (one last publish, then the thread stops) never hangs on a collector that is down. A failed push
 * is logged at WARN once per outage, without a stack trace, and the recovery at INFO; the metrics of the steps in
 * between are dropped (the counters are cumulative, so the next push carries their totals).
 */
final class OtlpPush implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(OtlpPush.class);
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration MAX_READ_TIMEOUT = Duration.ofSeconds(10);

    private final OtlpMeterRegistry registry;
    private final OutageLoggingSender sender;

    private OtlpPush(final OtlpMeterRegistry registry, final OutageLoggingSender sender)
    {
        this.registry = registry;
        this.sender = sender;
    }

    /**
     * Starts pushing.
     *
     * @param options  where to, how often and with which headers.
     * @param resource the OTLP resource attributes ({@code service.name} and the server's identity).
     * @return the push, its thread started.
     */
    static OtlpPush start(final Otlp options, final Map<String, String> resource)
    {
        final Duration connectTimeout = min(MAX_CONNECT_TIMEOUT, options.step());
        final Duration readTimeout = min(MAX_READ_TIMEOUT, options.step());
        final OutageLoggingSender sender = new OutageLoggingSender(options.endpoint().toString(),
            new OtlpHttpMetricsSender(new HttpUrlConnectionSender(connectTimeout, readTimeout)));
        final OtlpMeterRegistry registry = OtlpMeterRegistry.builder(config(options, resource))
            .clock(Clock.SYSTEM).threadFactory(pushThreads()).metricsSender(sender).build();
        LOG.info("otlp push started: url={}, step={}, headers={}, resource={}", options.endpoint(), options.step(),
            options.headers().keySet(), resource);
        return new OtlpPush(registry, sender);
    }

    /**
     * @return the registry to add to the server's composite.
     */
    OtlpMeterRegistry registry()
    {
        return registry;
    }

    /**
     * @return pushes that reached the collector and were accepted.
     */
    long pushed()
    {
        return sender.pushed.get();
    }

    /**
     * @return pushes that failed (collector unreachable, timed out or answering an error).
     */
    long failed()
    {
        return sender.failed.get();
    }

    /**
     * Publishes one last time (bounded by the request timeouts) and stops the push thread.
     */
    @Override
    public void close()
    {
        registry.close();
        LOG.info("otlp push stopped: url={}, pushed={}, failed={}", sender.url, pushed(), failed());
    }

    private static OtlpConfig config(final Otlp options, final Map<String, String> resource)
    {
        return new OtlpConfig()
        {
            @Override
            public String get(final String key)
            {
                return null; // every value comes from the server's options, none from system properties
            }

            @Override
            public String url()
            {
                return options.endpoint().toString();
            }

            @Override
            public Duration step()
            {
                return options.step();
            }

            @Override
            public Map<String, String> headers()
            {
                return options.headers();
            }

            @Override
            public Map<String, String> resourceAttributes()
            {
                return resource;
            }
        };
    }

    private static ThreadFactory pushThreads()
    {
        return runnable ->
        {
            final Thread thread = new Thread(runnable, "rocklet-otlp-push");
            thread.setDaemon(true);
            return thread;
        };
    }

    private static Duration min(final Duration a, final Duration b)
    {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Sends through the HTTP sender and logs an outage once: the first failure after a success (or at start) at
     * WARN with the error's message, the first success after failures at INFO. Never throws, so Micrometer logs no
     * stack trace per step. Called on the push thread, and on the closing thread for the last publish.
     */
    private static final class OutageLoggingSender implements OtlpMetricsSender
    {
        private final String url;
        private final OtlpMetricsSender delegate;
        private final AtomicBoolean down = new AtomicBoolean();
        private final AtomicLong pushed = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();

        OutageLoggingSender(final String url, final OtlpMetricsSender delegate)
        {
            this.url = url;
            this.delegate = delegate;
        }

        @Override
        public void send(final Request request)
        {
            try
            {
                delegate.send(request);
                pushed.incrementAndGet();
                if (down.compareAndSet(true, false))
                {
                    LOG.info("otlp collector reachable again: url={}, failedPushes={}", url, failed.get());
                }
            }
            catch (final Exception e)
            {
                failed.incrementAndGet();
                if (down.compareAndSet(false, true))
                {
                    LOG.warn("otlp push failed, metrics are dropped until the collector answers (logged once per " +
                        "outage): url={}, error={}", url, e.toString());
                }
                else
                {
                    LOG.debug("otlp push failed again: url={}, error={}", url, e.toString());
                }
            }
        }
    }
}

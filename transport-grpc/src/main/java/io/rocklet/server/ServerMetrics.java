package io.rocklet.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A standalone server's meter registries: a Prometheus scrape endpoint ({@code --metrics-port}: Prometheus text on
 * {@code http://<host>:<port>/metrics}, served by the JDK's {@code com.sun.net.httpserver} on one thread) and a push
 * to an OpenTelemetry collector ({@code --otlp-endpoint}, every {@code --otlp-step}). The router, broker or
 * controller and its gRPC server register their meters in {@link #registry()}. {@link #close()} stops the endpoint
 * and the push (a last push first). Made only when one of the options is given: without them the server loads no
 * Micrometer class.
 */
final class ServerMetrics implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ServerMetrics.class);
    static final String PATH = "/metrics";

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus;
    private final OtlpMeterRegistry otlp;
    private final HttpServer http;

    private ServerMetrics(final PrometheusMeterRegistry prometheus, final OtlpMeterRegistry otlp,
        final HttpServer http)
    {
        this.prometheus = prometheus;
        this.otlp = otlp;
        this.http = http;
        if (prometheus != null)
        {
            registry.add(prometheus);
        }
        if (otlp != null)
        {
            registry.add(otlp);
        }
    }

    /**
     * @param options what to export.
     * @param host    the interface the scrape endpoint binds.
     * @return the registries, with the scrape endpoint listening.
     * @throws RockletException IO_ERROR when the metrics port cannot be bound.
     */
    static ServerMetrics start(final ServerSettings.MetricsOptions options, final String host)
    {
        final PrometheusMeterRegistry prometheus = options.port() < 0 ? null :
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer http = null;
        if (prometheus != null)
        {
            try
            {
                http = HttpServer.create(new InetSocketAddress(host, options.port()), 16);
            }
            catch (final IOException e)
            {
                throw new RockletException(ErrorCode.IO_ERROR, "cannot serve metrics: host=" + host + ", port=" +
                    options.port() + ", error=" + e, e);
            }
            http.createContext(PATH, exchange -> scrape(exchange, prometheus));
            http.start();
            LOG.info("metrics endpoint serving: url=http://{}:{}{}", host, http.getAddress().getPort(), PATH);
        }
        final OtlpMeterRegistry otlp = options.otlpEndpoint() == null ? null :
            new OtlpMeterRegistry(otlpConfig(options.otlpEndpoint(), options.otlpStep()), Clock.SYSTEM);
        if (otlp != null)
        {
            LOG.info("metrics pushed over OTLP: url={}, stepMs={}", options.otlpEndpoint(),
                options.otlpStep().toMillis());
        }
        return new ServerMetrics(prometheus, otlp, http);
    }

    /**
     * @return where the router, broker, controller and gRPC server register their meters.
     */
    MeterRegistry registry()
    {
        return registry;
    }

    /**
     * @return the port the scrape endpoint bound (the one chosen with {@code --metrics-port 0}), or -1 without one.
     */
    int port()
    {
        return http == null ? -1 : http.getAddress().getPort();
    }

    @Override
    public void close()
    {
        if (http != null)
        {
            http.stop(0);
        }
        registry.close();
        if (otlp != null)
        {
            otlp.close(); // pushes what is left
        }
        if (prometheus != null)
        {
            prometheus.close();
        }
    }

    private static void scrape(final HttpExchange exchange, final PrometheusMeterRegistry prometheus)
        throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    private static OtlpConfig otlpConfig(final String url, final Duration step)
    {
        return new OtlpConfig()
        {
            @Override
            public String get(final String key)
            {
                return null; // every other setting: Micrometer's default
            }

            @Override
            public String url()
            {
                return url;
            }

            @Override
            public Duration step()
            {
                return step;
            }
        };
    }
}

package io.rocklet.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A standalone server's meter registries: a Prometheus scrape endpoint ({@code --metrics-port}: Prometheus text on
 * {@code http://<host>:<port>/metrics}, served by the JDK's {@code com.sun.net.httpserver} on one thread), an OTLP push
 * ({@code --otlp-endpoint}, {@link OtlpPush}), or both, joined in one {@link CompositeMeterRegistry}. The router,
 * broker or controller and its gRPC server register their meters in {@link #registry()}. {@link #close()} pushes one
 * last time, then stops the push and the endpoint. Made only when an option asks for metrics: without one the server
 * loads no Micrometer class.
 */
final class ServerMetrics implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ServerMetrics.class);
    static final String PATH = "/metrics";

    /** The registries the server exports to: Prometheus, OTLP or both. */
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    /** The scrape endpoint's registry and server, or null without {@code --metrics-port}. */
    private final PrometheusMeterRegistry prometheus;
    private final HttpServer http;
    /** The OTLP push once {@link #push} started it, else null. */
    private volatile OtlpPush push;

    private ServerMetrics(final PrometheusMeterRegistry prometheus, final HttpServer http)
    {
        this.prometheus = prometheus;
        this.http = http;
        if (prometheus != null)
        {
            registry.add(prometheus);
        }
    }

    /**
     * @param options what to export; the OTLP push starts later, with {@link #push}, once the server's address is
     *                known.
     * @param host    the interface the scrape endpoint binds.
     * @return the registries, with the scrape endpoint listening when {@code --metrics-port} was given.
     * @throws RockletException IO_ERROR when the metrics port cannot be bound.
     */
    static ServerMetrics start(final ServerSettings.MetricsOptions options, final String host)
    {
        if (!options.prometheus())
        {
            return new ServerMetrics(null, null);
        }
        final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final HttpServer http;
        try
        {
            http = HttpServer.create(new InetSocketAddress(host, options.port()), 16);
        }
        catch (final IOException e)
        {
            prometheus.close();
            throw new RockletException(ErrorCode.IO_ERROR, "cannot serve metrics: host=" + host + ", port=" +
                options.port() + ", error=" + e, e);
        }
        http.createContext(PATH, exchange -> scrape(exchange, prometheus));
        http.start();
        LOG.info("metrics endpoint serving: url=http://{}:{}{}", host, http.getAddress().getPort(), PATH);
        return new ServerMetrics(prometheus, http);
    }

    /**
     * Starts the OTLP push and adds its registry to the composite (the meters registered so far join it).
     *
     * @param options  the collector, step and headers.
     * @param resource the OTLP resource attributes that identify this server.
     */
    void push(final ServerSettings.Otlp options, final Map<String, String> resource)
    {
        final OtlpPush started = OtlpPush.start(options, resource);
        registry.add(started.registry());
        push = started;
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

    /**
     * @return the OTLP push, or null without {@code --otlp-endpoint}.
     */
    OtlpPush otlp()
    {
        return push;
    }

    @Override
    public void close()
    {
        final OtlpPush started = push;
        if (started != null)
        {
            started.close(); // the last publish, while every meter is still registered
        }
        if (http != null)
        {
            http.stop(0);
        }
        registry.close();
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
}

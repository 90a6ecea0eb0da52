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

/**
 * A standalone server's meter registry: a Prometheus scrape endpoint ({@code --metrics-port}: Prometheus text on
 * {@code http://<host>:<port>/metrics}, served by the JDK's {@code com.sun.net.httpserver} on one thread). The router,
 * broker or controller and its gRPC server register their meters in {@link #registry()}. {@link #close()} stops the
 * endpoint. Made only when the option is given: without it the server loads no Micrometer class.
 */
final class ServerMetrics implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ServerMetrics.class);
    static final String PATH = "/metrics";

    /** The registries the server exports to (one today; more, e.g. a push, join here). */
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus;
    private final HttpServer http;

    private ServerMetrics(final PrometheusMeterRegistry prometheus, final HttpServer http)
    {
        this.prometheus = prometheus;
        this.http = http;
        registry.add(prometheus);
    }

    /**
     * @param options what to export.
     * @param host    the interface the scrape endpoint binds.
     * @return the registries, with the scrape endpoint listening.
     * @throws RockletException IO_ERROR when the metrics port cannot be bound.
     */
    static ServerMetrics start(final ServerSettings.MetricsOptions options, final String host)
    {
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
     * @return where the router, broker, controller and gRPC server register their meters.
     */
    MeterRegistry registry()
    {
        return registry;
    }

    /**
     * @return the port the scrape endpoint bound (the one chosen with {@code --metrics-port 0}).
     */
    int port()
    {
        return http.getAddress().getPort();
    }

    @Override
    public void close()
    {
        http.stop(0);
        registry.close();
        prometheus.close();
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

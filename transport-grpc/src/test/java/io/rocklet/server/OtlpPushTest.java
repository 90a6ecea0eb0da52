package io.rocklet.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.metrics.MetricNames;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone server's OTLP push ({@code --otlp-endpoint}) to a collector on loopback (the JDK's HTTP server on a
 * free port) that decodes every POST as an {@code ExportMetricsServiceRequest}.
 */
@Timeout(120)
class OtlpPushTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MESSAGES = 7;

    /** One pushed request with the headers it came with. */
    private record Push(Map<String, String> headers, ExportMetricsServiceRequest request)
    {
    }

    private final List<Push> pushes = new CopyOnWriteArrayList<>();
    private HttpServer collector;

    @BeforeEach
    void startCollector() throws IOException
    {
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        collector.createContext("/v1/metrics", this::receive);
        collector.start();
    }

    @AfterEach
    void stopCollector()
    {
        collector.stop(0);
    }

    @Test
    void shouldPushTheBrokersMessagesInCounterWhenTrafficWasSentAndOnceMoreWhenClosed(@TempDir final Path data) throws Exception
    {
        try (RockletServer router = RockletServer.start(ServerOptions.parse(Map.of(), "router", "--port", "0",
                 "--plaintext", "--no-auth", "--otlp-endpoint", url(), "--otlp-step", "1h", "--metrics-port", "0"));
             RockletServer broker = RockletServer.start(ServerOptions.parse(Map.of(), "broker", "--name", "broker-o",
                 "--routers", router.address(), "--data", data.toString(), "--port", "0", "--segment-size", "8m",
                 "--plaintext", "--no-auth", "--otlp-endpoint", url(), "--otlp-step", "1s", "--otlp-header",
                 "authorization=Bearer t0ken"));
             GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
                 .executorThreads(2).callTimeout(Duration.ofSeconds(20)).build());
             RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address()).build(),
                 transport))
        {
            assertEquals(-1, broker.metricsPort(), "no --metrics-port: no scrape endpoint");
            Await.until(WAIT, () -> client.admin().clusterStatus().brokers().stream()
                .anyMatch(b -> b.address().equals(broker.address())), () -> "broker not registered");
            client.admin().createTopic(TopicConfig.of("orders", 1));
            try (Producer producer = client.newProducer(ProducerConfig.builder("shop").build()))
            {
                for (int i = 0; i < MESSAGES; i++)
                {
                    producer.send(Message.builder("orders").body("0123456789").build());
                }
            }

            Await.until(WAIT, () -> latest("rocklet-broker", MetricNames.MESSAGES_IN, "topic", "orders")
                .orElse(-1) == MESSAGES, () -> "pushed " + MetricNames.MESSAGES_IN + " of topic orders: " +
                latest("rocklet-broker", MetricNames.MESSAGES_IN, "topic", "orders"));

            final Push push = pushes.stream().filter(p -> "rocklet-broker".equals(resource(p).get("service.name")))
                .findFirst().orElseThrow();
            assertEquals("Bearer t0ken", push.headers().get("authorization"));
            assertEquals("application/x-protobuf", push.headers().get("content-type"));
            assertTrue(resource(push).entrySet().containsAll(Map.of("service.name", "rocklet-broker",
                "service.instance.id", broker.address(), "rocklet.cluster", "DefaultCluster", "rocklet.broker.name",
                "broker-o", "rocklet.broker.id", "0").entrySet()), () -> "resource: " + resource(push));
            assertTrue(broker.metrics().otlp().failed() == 0, "no failed push");

            assertTrue(ServerMetricsTest.scrape(router.metricsPort()).contains("rocklet_rpc_latency_seconds_count"),
                "both exports at once: the router's scrape endpoint serves too");
            assertTrue(pushes.stream().noneMatch(p -> "rocklet-router".equals(resource(p).get("service.name"))),
                "a step of 1 h: the router has not pushed yet");
            router.close();
            final List<Push> routerPushes = pushes.stream()
                .filter(p -> "rocklet-router".equals(resource(p).get("service.name"))).toList();
            assertEquals(1, routerPushes.size(), "closing pushes one last time");
            assertEquals(router.address(), resource(routerPushes.get(0)).get("service.instance.id"));
            assertTrue(metricNames(routerPushes.get(0)).contains(MetricNames.RPC_LATENCY),
                () -> "the router's RPC meters: " + metricNames(routerPushes.get(0)));
        }
    }

    @Test
    void shouldKeepServingAndWarnOnceWhenTheCollectorIsDown() throws Exception
    {
        final String downUrl;
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            downUrl = "http://127.0.0.1:" + reserved.getLocalPort() + "/v1/metrics"; // closed: connection refused
        }
        final Logger log = (Logger)LoggerFactory.getLogger(OtlpPush.class);
        final ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        log.addAppender(events);
        try (RockletServer router = RockletServer.start(ServerOptions.parse(Map.of(), "router", "--port", "0",
                 "--plaintext", "--no-auth", "--otlp-endpoint", downUrl, "--otlp-step", "1s"));
             GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
                 .executorThreads(2).callTimeout(Duration.ofSeconds(20)).build());
             RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address()).build(),
                 transport))
        {
            final OtlpPush push = router.metrics().otlp();
            assertNotNull(push);
            Await.until(WAIT, () -> push.failed() >= 3 && client.admin().clusterStatus() != null,
                () -> "failed pushes: " + push.failed());

            assertEquals(0, push.pushed());
            final List<ILoggingEvent> warnings = events.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .toList();
            assertEquals(1, warnings.size(), () -> "one warning per outage: " + warnings);
            assertNull(warnings.get(0).getThrowableProxy(), "no stack trace");
            assertTrue(warnings.get(0).getFormattedMessage().contains("url=" + downUrl),
                warnings.get(0).getFormattedMessage());
            router.close(); // the last publish fails fast too; @Timeout bounds it
            assertTrue(push.failed() >= 4, "the push on close was tried: " + push.failed());
        }
        finally
        {
            log.detachAppender(events);
        }
    }

    private String url()
    {
        return "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/metrics";
    }

    private void receive(final HttpExchange exchange) throws IOException
    {
        try (exchange; InputStream body = exchange.getRequestBody())
        {
            final ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body.readAllBytes());
            final Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), e -> e.getValue().get(0), (a, b) -> a));
            pushes.add(new Push(headers, request));
            final byte[] answer = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
        }
    }

    /**
     * @return the value of the metric's data point with that attribute in the newest push of that service.
     */
    private OptionalDouble latest(final String service, final String metric, final String key, final String value)
    {
        for (int i = pushes.size() - 1; i >= 0; i--)
        {
            final Push push = pushes.get(i);
            if (!service.equals(resource(push).get("service.name")))
            {
                continue;
            }
            for (final Metric each : metrics(push))
            {
                if (each.getName().equals(metric))
                {
                    final List<NumberDataPoint> points = each.hasSum() ? each.getSum().getDataPointsList() :
                        each.getGauge().getDataPointsList();
                    for (final NumberDataPoint point : points)
                    {
                        if (attributes(point.getAttributesList()).get(key) != null &&
                            attributes(point.getAttributesList()).get(key).equals(value))
                        {
                            return OptionalDouble.of(point.hasAsInt() ? point.getAsInt() : point.getAsDouble());
                        }
                    }
                }
            }
        }
        return OptionalDouble.empty();
    }

    private static List<Metric> metrics(final Push push)
    {
        return push.request().getResourceMetricsList().stream().map(ResourceMetrics::getScopeMetricsList)
            .flatMap(List::stream).map(ScopeMetrics::getMetricsList).flatMap(List::stream).toList();
    }

    private static List<String> metricNames(final Push push)
    {
        return metrics(push).stream().map(Metric::getName).distinct().toList();
    }

    private static Map<String, String> resource(final Push push)
    {
        return attributes(push.request().getResourceMetrics(0).getResource().getAttributesList());
    }

    private static Map<String, String> attributes(final List<KeyValue> attributes)
    {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue(),
            (a, b) -> a));
    }
}

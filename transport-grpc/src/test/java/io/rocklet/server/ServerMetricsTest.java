package io.rocklet.server;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone server's Prometheus endpoint ({@code --metrics-port 0}), scraped over loopback after known traffic.
 */
@Timeout(120)
class ServerMetricsTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldServeBrokerAndRpcMetricsInPrometheusTextWhenScraped(@TempDir final Path data) throws Exception
    {
        try (RockletServer router = RockletServer.start(ServerOptions.parse("router", "--port", "0", "--plaintext",
                 "--no-auth"));
             RockletServer broker = RockletServer.start(ServerOptions.parse("broker", "--name", "broker-m",
                 "--routers", router.address(), "--data", data.toString(), "--port", "0", "--segment-size", "8m",
                 "--plaintext", "--no-auth", "--metrics-port", "0"));
             GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
                 .executorThreads(2).callTimeout(Duration.ofSeconds(20)).build());
             RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address()).build(),
                 transport))
        {
            assertEquals(-1, router.metricsPort(), "no metrics option, no endpoint");
            assertTrue(broker.metricsPort() > 0, "port 0: a free port was bound");
            Await.until(WAIT, () -> client.admin().clusterStatus().brokers().stream()
                .anyMatch(b -> b.address().equals(broker.address())), () -> "broker not registered");
            client.admin().createTopic(TopicConfig.of("orders", 1));
            try (Producer producer = client.newProducer(ProducerConfig.builder("shop").build()))
            {
                for (int i = 0; i < 3; i++)
                {
                    producer.send(Message.builder("orders").body("0123456789").build());
                }
            }

            final String text = scrape(broker.metricsPort());

            assertEquals(3.0, value(text, "rocklet_messages_in_total", "topic=\"orders\""), text);
            assertEquals(30.0, value(text, "rocklet_throughput_in_bytes_total", "topic=\"orders\""), text);
            assertEquals(3.0, value(text, "rocklet_message_size_bytes_count", "topic=\"orders\""), text);
            assertEquals(3.0, value(text, "rocklet_rpc_latency_seconds_count", "method=\"Send\""), text);
            assertTrue(value(text, "rocklet_connections", "address=") >= 1, text);
            assertTrue(value(text, "rocklet_storage_size_bytes", "broker=\"broker-m\"") > 0, text);
            assertTrue(text.contains("# TYPE rocklet_message_size_bytes histogram"), text);
        }
    }

    static String scrape(final int port) throws IOException, InterruptedException
    {
        final HttpClient http = HttpClient.newHttpClient();
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(20)).build();
        final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return response.body();
    }

    /**
     * @return the value of the first sample of {@code metric} whose labels contain {@code label}.
     */
    private static double value(final String text, final String metric, final String label)
    {
        for (final String line : List.of(text.split("\n")))
        {
            if (line.startsWith(metric + "{") && line.contains(label))
            {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + metric + " with " + label);
    }
}

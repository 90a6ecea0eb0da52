package io.rocklet.server;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import io.rocklet.transport.grpc.TlsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.rocklet.server.JarProcess.SERVER_JAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone servers as an operator runs them: {@code rocklet-server.jar} in child JVMs (a router, a broker)
 * and an application in this JVM reaching them over gRPC on 127.0.0.1. Runs in the integration-test phase (failsafe),
 * after {@code package} has built the jar.
 */
@Timeout(180)
class ServerJarIT
{
    /** Starting a JVM on a busy two-core machine: generous, only a failing test waits this long. */
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(10);

    @Test
    void shouldServeAnApplicationAndExitZeroWhenTheRouterAndBrokerGetSigterm(@TempDir final Path dir)
        throws Exception
    {
        try (JarProcess router = JarProcess.start("router", SERVER_JAR, dir.resolve("router.log"),
            "router", "--port", "0", "--plaintext", "--no-auth"))
        {
            final String routerAddress = router.awaitReady(START);
            try (JarProcess broker = JarProcess.start("broker", SERVER_JAR, dir.resolve("broker.log"),
                "broker", "--name", "broker-a", "--port", "0", "--routers", hostPort(routerAddress),
                "--data", dir.resolve("data").toString(), "--flush", "sync", "--segment-size", "8m", "--plaintext",
                "--no-auth"))
            {
                final String brokerAddress = broker.awaitReady(START);
                try (GrpcTransport transport = GrpcTransport.create(clientSettings().plaintext().build());
                    RockletClient client = connect(routerAddress, transport))
                {
                    awaitRegistered(client, brokerAddress);
                    client.newProducer(ProducerConfig.builder("shop").build())
                        .send(Message.builder("orders").key("order-1").body("order 1 paid").build());
                    assertEquals("order 1 paid", receiveFirst(client, "billing", "orders"));
                }
                final JarProcess.Finished stats = JarProcess.run(SERVER_JAR, dir.resolve("admin.log"),
                    Duration.ofSeconds(30), "admin", "topic", "stats", "--topic", "orders", "--routers", routerAddress);
                assertEquals(0, stats.status(), stats.output());
                assertTrue(stats.output().contains("MESSAGES") && stats.output().contains("broker-a"), stats.output());

                assertEquals(0, broker.terminate(STOP), () -> "broker exit status; log:\n" + broker.log());
                assertLogged(broker, "stopping: signal=SIGTERM, role=broker");
                assertLogged(broker, "broker closed: broker=broker-a");
                assertLogged(broker, "broker stopped: address=" + brokerAddress);
            }
            assertEquals(0, router.terminate(STOP), () -> "router exit status; log:\n" + router.log());
            assertLogged(router, "router stopped: address=" + routerAddress);
        }
    }

    @Test
    void shouldLogJsonLinesOrThroughTheOperatorsConfigWhenAskedTo(@TempDir final Path dir) throws Exception
    {
        try (JarProcess router = JarProcess.start("router-json", SERVER_JAR, dir.resolve("json.log"),
            "router", "--port", "0", "--plaintext", "--no-auth", "--log-format", "json"))
        {
            final String address = router.awaitReady(START);
            assertEquals(0, router.terminate(STOP), router::log);
            final List<String> lines = router.log().lines().filter(line -> !line.isBlank()).toList();
            assertTrue(!lines.isEmpty() && lines.stream().allMatch(line -> line.startsWith("{") && line.endsWith("}")),
                router::log);
            assertTrue(lines.stream().anyMatch(line -> line.contains("\"level\":\"INFO\"") &&
                line.contains("router ready: address=" + address.replace("/", "\\/"))), router::log);
        }
        final Path config = Files.writeString(dir.resolve("logback.xml"), """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>CUSTOM %level %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """);
        try (JarProcess router = JarProcess.start("router-custom", SERVER_JAR, dir.resolve("custom.log"),
            "router", "--port", "0", "--plaintext", "--no-auth", "--log-config", config.toString()))
        {
            final String address = router.awaitReady(START);
            assertEquals(0, router.terminate(STOP), router::log);
            assertLogged(router, "CUSTOM INFO router ready: address=" + address);
        }
        final JarProcess.Finished missing = JarProcess.run(SERVER_JAR, dir.resolve("missing.log"),
            Duration.ofSeconds(30), "router", "--plaintext", "--no-auth", "--log-config",
            dir.resolve("nope.xml").toString());
        assertEquals(2, missing.status(), missing.output());
        assertTrue(missing.output().contains("--log-config: cannot read the file"), missing.output());
    }

    @Test
    void shouldKeepMessagesAcrossARestartWhenTheBrokerStartsFromAConfigFile(@TempDir final Path dir)
        throws Exception
    {
        final Path config = Files.writeString(dir.resolve("broker.properties"), """
            # a broker of the test: every option of the command line, without its dashes
            role=broker
            name=broker-b
            port=0
            data=%s
            flush=sync
            segment-size=8m
            plaintext=true
            no-auth=true
            """.formatted(dir.resolve("data").toString().replace("\\", "\\\\")));
        try (JarProcess router = JarProcess.start("router", SERVER_JAR, dir.resolve("router.log"),
            "router", "--port", "0", "--plaintext", "--no-auth");
            GrpcTransport transport = GrpcTransport.create(clientSettings().plaintext().build()))
        {
            final String routerAddress = router.awaitReady(START);
            try (JarProcess broker = JarProcess.start("broker", SERVER_JAR, dir.resolve("broker-1.log"),
                "--config", config.toString(), "--routers", hostPort(routerAddress));
                RockletClient client = connect(routerAddress, transport))
            {
                awaitRegistered(client, broker.awaitReady(START));
                client.newProducer(ProducerConfig.builder("ledger").build())
                    .send(Message.builder("entries").body("entry 1").build());
                client.close();
                assertEquals(0, broker.terminate(STOP), () -> "broker exit status; log:\n" + broker.log());
            }

            try (JarProcess broker = JarProcess.start("broker-again", SERVER_JAR, dir.resolve("broker-2.log"),
                "--config", config.toString(), "--routers", hostPort(routerAddress));
                RockletClient client = connect(routerAddress, transport))
            {
                awaitRegistered(client, broker.awaitReady(START));
                assertLogged(broker, "store recovered: cleanShutdown=true");
                assertEquals("entry 1", receiveFirst(client, "auditors", "entries"));
                client.close();
                assertEquals(0, broker.terminate(STOP), () -> "broker exit status; log:\n" + broker.log());
            }
            assertEquals(0, router.terminate(STOP), () -> "router exit status; log:\n" + router.log());
        }
    }

    @Test
    void shouldServeOverMutualTlsWhenTheServersAreGivenCertificates(@TempDir final Path dir) throws Exception
    {
        final String[] tls = {"--tls-cert", tlsFile("server.pem"), "--tls-key", tlsFile("server.key"),
            "--tls-ca", tlsFile("ca.pem"), "--tls-client-auth", "--no-auth"};
        try (JarProcess router = JarProcess.start("router", SERVER_JAR, dir.resolve("router.log"),
            concat(new String[] {"router", "--port", "0"}, tls)))
        {
            final String routerAddress = router.awaitReady(START);
            try (JarProcess broker = JarProcess.start("broker", SERVER_JAR, dir.resolve("broker.log"),
                concat(new String[] {"broker", "--name", "broker-t", "--port", "0", "--routers",
                    hostPort(routerAddress), "--data", dir.resolve("data").toString(), "--segment-size", "8m"}, tls));
                GrpcTransport transport = GrpcTransport.create(clientSettings().tls(TlsConfig.builder()
                    .keyCertChain(Path.of(tlsFile("client.pem")), Path.of(tlsFile("client.key")))
                    .trustCertificates(Path.of(tlsFile("ca.pem"))).build()).build());
                RockletClient client = connect(routerAddress, transport))
            {
                final String brokerAddress = broker.awaitReady(START);
                assertLogged(broker, "broker serving: address=" + brokerAddress + ", tls=on");
                awaitRegistered(client, brokerAddress);
                client.newProducer(ProducerConfig.builder("vault").build())
                    .send(Message.builder("secrets").body("over tls").build());
                assertEquals("over tls", receiveFirst(client, "readers", "secrets"));
                client.close();
                assertEquals(0, broker.terminate(STOP), () -> "broker exit status; log:\n" + broker.log());
            }
            assertEquals(0, router.terminate(STOP), () -> "router exit status; log:\n" + router.log());
        }
    }

    @Test
    void shouldExitTwoNamingTheOptionWhenAnOptionIsWrong(@TempDir final Path dir) throws Exception
    {
        final JarProcess.Finished unknown = JarProcess.run(SERVER_JAR, dir.resolve("unknown.log"), Duration.ofSeconds(30),
            "router", "--port", "0", "--plaintext", "--no-auth", "--colour", "blue");
        assertEquals(2, unknown.status(), unknown.output());
        assertTrue(unknown.output().contains("rocklet-server: unknown option for a router: --colour"),
            unknown.output());
        assertTrue(unknown.output().contains("usage: rocklet-server"), unknown.output());

        final JarProcess.Finished badValue = JarProcess.run(SERVER_JAR, dir.resolve("bad-value.log"), Duration.ofSeconds(30),
            "broker", "--name", "b", "--routers", "127.0.0.1:9876", "--data", dir.resolve("data").toString(),
            "--flush", "sometimes", "--plaintext", "--no-auth");
        assertEquals(2, badValue.status(), badValue.output());
        assertTrue(badValue.output().contains("--flush wants sync or async, got 'sometimes'"), badValue.output());
    }

    private static GrpcTransportConfig.Builder clientSettings()
    {
        return GrpcTransportConfig.builder().ioThreads(1).executorThreads(2);
    }

    private static RockletClient connect(final String routerAddress, final GrpcTransport transport)
    {
        return RockletClients.create(ClientConfig.builder().routers(routerAddress).build(), transport);
    }

    /**
     * A broker registers a moment after it prints READY: wait until the router lists it, as an operator would.
     */
    private static void awaitRegistered(final RockletClient client, final String brokerAddress)
    {
        Await.until(() -> client.admin().clusterStatus().brokers().stream()
            .anyMatch(broker -> brokerAddress.equals(broker.address())), () -> "broker not registered: " +
            brokerAddress);
    }

    private static String receiveFirst(final RockletClient client, final String group, final String topic)
        throws Exception
    {
        final CompletableFuture<String> body = new CompletableFuture<>();
        try (PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder(group)
            .subscribe(topic, "*")
            .consumeFrom(ConsumeFrom.FIRST)
            .listener(messages ->
            {
                for (final ReceivedMessage message : messages)
                {
                    body.complete(new String(message.bodyBytes(), StandardCharsets.UTF_8));
                }
                return ConsumeResult.SUCCESS;
            }).build()))
        {
            return body.get(30, TimeUnit.SECONDS);
        }
    }

    private static void assertLogged(final JarProcess process, final String text)
    {
        assertTrue(process.logLine(text).isPresent(), () -> "no '" + text + "' in the log:\n" + process.log());
    }

    private static String hostPort(final String address)
    {
        return address.substring("grpc://".length());
    }

    private static String tlsFile(final String name) throws URISyntaxException
    {
        return Path.of(ServerJarIT.class.getResource("/tls/" + name).toURI()).toString();
    }

    private static String[] concat(final String[] first, final String[] second)
    {
        final String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}

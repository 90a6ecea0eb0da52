package io.rocklet.examples.microservice;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.client.RockletClients;
import io.rocklet.server.JarProcess;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rocklet-demo.jar microservice} as it is run: {@code serve} in a child JVM (its own router, broker, producer and
 * audit consumer), consumed over gRPC from this JVM and from a second child JVM running {@code consume}. Runs in the
 * integration-test phase (failsafe), after {@code package} has built the jar.
 */
@Timeout(180)
class MicroserviceJarIT
{
    /** Where failsafe puts the demo jar (the property), or where the build leaves it (module directory). */
    private static final Path DEMO_JAR = Path.of(System.getProperty("rocklet.demo.jar", "target/rocklet-demo.jar"));

    /** Starting a JVM on a busy two-core machine: generous, only a failing test waits this long. */
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void shouldServeItsOwnConsumerAndOtherJvmsWhenRunAsOneJar(@TempDir final Path dir) throws Exception
    {
        try (JarProcess service = JarProcess.start("serve", DEMO_JAR, dir.resolve("serve.err"),
            "microservice", "serve", "--port", "0", "--every", "100ms", "--data", dir.resolve("data").toString()))
        {
            final String address = service.awaitReady(START);
            service.awaitLine("audit received order-", START);        // its own consumer, in its own JVM

            final Set<String> keys = ConcurrentHashMap.newKeySet();
            final CountDownLatch fiveOrders = new CountDownLatch(5);
            try (GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext()
                .ioThreads(1).executorThreads(2).build());
                RockletClient client = RockletClients.create(ClientConfig.builder().routers(address).build(),
                    transport);
                PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("test-shipping")
                    .subscribe("orders", "*")
                    .consumeFrom(ConsumeFrom.FIRST)
                    .listener(messages ->
                    {
                        for (final ReceivedMessage message : messages)
                        {
                            if (keys.add(message.keys().get(0)))
                            {
                                fiveOrders.countDown();
                            }
                        }
                        return ConsumeResult.SUCCESS;
                    }).build()))
            {
                assertTrue(fiveOrders.await(30, TimeUnit.SECONDS), "consumed " + keys);
            }
            assertTrue(keys.stream().allMatch(key -> key.matches("order-\\d+")), keys.toString());

            final JarProcess.Finished remote = JarProcess.run(DEMO_JAR, dir.resolve("consume.err"), START,
                "microservice", "consume", "--router", address.substring("grpc://".length()), "--count", "3");
            assertEquals(0, remote.status(), remote.output());
            assertEquals(3, remote.output().lines().filter(line -> line.startsWith("consumed order-")).count(),
                remote.output());
            assertTrue(remote.output().contains("consumed 3 orders"), remote.output());

            // SIGTERM: the JVM runs the shutdown hook, which closes the service, and exits with 128 + 15
            assertEquals(143, service.terminate(Duration.ofSeconds(10)));
            service.awaitLine("order desk stopped", Duration.ofSeconds(10));
        }
    }
}

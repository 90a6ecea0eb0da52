package io.rocklet.examples.microservice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The microservice's logic in this JVM: the order desk with its router, broker and own clients, and a remote
 * consumer reaching it over gRPC on 127.0.0.1. {@code MicroserviceJarIT} runs the same as jars in child JVMs.
 */
@Timeout(60)
class MicroserviceExampleTest
{
    @Test
    void shouldAuditItsOwnOrdersAndServeThemToARemoteConsumerWhenServing() throws Exception
    {
        final Output desk = new Output();
        final Output remote = new Output();
        try (OrderDesk service = OrderDesk.start("127.0.0.1", 0, null, Duration.ofMillis(50), desk.stream))
        {
            assertTrue(service.address().matches("grpc://127\\.0\\.0\\.1:\\d+"), service.address());
            try (RemoteConsumer consumer = new RemoteConsumer(service.address().substring("grpc://".length()),
                "shipping", 3, remote.stream))
            {
                assertTrue(consumer.awaitOrders(Duration.ofSeconds(30)), "remote consumer got:\n" + remote.text());
            }
            awaitText(desk, "audit received order-");
        }
        assertEquals(3, remote.text().lines().filter(line -> line.startsWith("consumed order-")).count(),
            remote.text());
        assertTrue(desk.text().contains("sent order-1 to orders@order-desk:"), desk.text());
        assertTrue(desk.text().endsWith("order desk stopped" + System.lineSeparator()), desk.text());
    }

    @Test
    void shouldPrintTheUsageAndReturnTwoWhenTheArgumentsAreWrong() throws Exception
    {
        assertUsage("say serve or consume, not 'run'", "run");
        assertUsage("unknown option for serve: --colour", "serve", "--colour", "blue");
        assertUsage("consume needs --router HOST:PORT", "consume", "--count", "3");
        assertUsage("--every wants a duration of at least 10ms", "serve", "--every", "soon");
        assertUsage("--port wants 0 to 65535, got '70000'", "serve", "--port", "70000");
    }

    private static void assertUsage(final String expected, final String... args) throws Exception
    {
        final Output err = new Output();
        assertEquals(2, MicroserviceMain.run(args, new Output().stream, err.stream), err.text());
        assertTrue(err.text().contains(expected), () -> "expected '" + expected + "' in: " + err.text());
        assertTrue(err.text().contains("usage: java -jar examples/target/rocklet-demo.jar microservice serve"),
            err.text());
    }

    /**
     * The audit consumer runs on its own threads: wait for its line, checking every few milliseconds.
     */
    private static void awaitText(final Output output, final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!output.text().contains(text))
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("no '" + text + "' in:\n" + output.text());
            }
            Thread.sleep(10);
        }
    }

    /** Captures what the service prints. */
    private static final class Output
    {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text()
        {
            synchronized (stream)
            {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}

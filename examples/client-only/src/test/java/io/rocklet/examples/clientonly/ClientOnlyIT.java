package io.rocklet.examples.clientonly;

import io.rocklet.server.JarProcess;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static io.rocklet.server.JarProcess.SERVER_JAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client-side dependency set: this module declares only {@code rocklet-transport-grpc} (versions from
 * {@code rocklet-bom}), so its test class path is what an application that talks to a remote cluster gets. It must
 * hold no store (Chronicle, its native and affinity libraries), no Raft, no embedded broker, and still send and
 * consume through the standalone servers (rocklet-server.jar in child JVMs; integration-test phase).
 */
@Timeout(180)
class ClientOnlyIT
{
    private static final Duration START = Duration.ofSeconds(60);
    /** Jar names that belong to the server side only. */
    private static final List<String> SERVER_SIDE = List.of("chronicle", "rocklet-core-store", "ratis", "jna",
        "affinity", "posix", "jnr");

    @Test
    void shouldHoldNoStoreOrRaftJarWhenTheApplicationOnlyDependsOnTheGrpcTransport()
    {
        final List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).getFileName().toString().toLowerCase(Locale.ROOT)).toList();
        assertTrue(jars.stream().anyMatch(jar -> jar.startsWith("rocklet-transport-grpc")), jars::toString);
        assertTrue(jars.stream().anyMatch(jar -> jar.startsWith("rocklet-routing")), jars::toString);
        for (final String jar : jars)
        {
            assertTrue(SERVER_SIDE.stream().noneMatch(jar::contains), () -> "server-side jar on a client's class " +
                "path: " + jar + " (all: " + jars + ")");
        }
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.openhft.chronicle.bytes.Bytes"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.rocklet.broker.Broker"));
    }

    @Test
    void shouldSendAndConsumeThroughTheStandaloneServersWhenOnlyTheClientSideIsOnTheClassPath(@TempDir final Path dir)
        throws Exception
    {
        try (JarProcess router = JarProcess.start("router", SERVER_JAR, dir.resolve("router.log"),
            "router", "--port", "0", "--plaintext", "--no-auth"))
        {
            final String routerAddress = router.awaitReady(START);
            try (JarProcess broker = JarProcess.start("broker", SERVER_JAR, dir.resolve("broker.log"),
                "broker", "--name", "broker-a", "--port", "0", "--routers",
                routerAddress.substring("grpc://".length()), "--data", dir.resolve("data").toString(),
                "--segment-size", "8m", "--plaintext", "--no-auth"))
            {
                broker.awaitReady(START);
                final List<String> bodies = ClientOnlyApp.roundTrip(routerAddress, "client-only", 3,
                    Duration.ofSeconds(60));
                assertEquals(List.of("message 0", "message 1", "message 2"), bodies.stream().sorted().toList());
            }
        }
    }
}

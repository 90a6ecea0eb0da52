package io.rocklet.cluster;

import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Garbage on a standalone server's port (HTTP/1 requests, random bytes), 200 connections over loopback: the server
 * logs a few lines for all of them (one per kind, rate-limited, no stack trace) instead of a stack trace each, and
 * answers a real call afterwards.
 */
@Timeout(120)
class GarbageConnectionsTest
{
    private static final int CONNECTIONS = 200;
    private static final long MAX_LOG_GROWTH_BYTES = 16 * 1024;
    private static final long MAX_LOG_GROWTH_LINES = 40;

    @TempDir
    Path directory;

    @Test
    void shouldLogAFewLinesAndKeepServingWhenTwoHundredGarbageConnectionsArrive() throws Exception
    {
        final Path log = directory.resolve("router-g.log");
        final ServerProcess router = ServerProcess.router("router-g", directory).awaitReady();
        try (router;
             GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
                 .executorThreads(2).build()))
        {
            final int port = Integer.parseInt(router.hostAndPort().substring(router.hostAndPort().indexOf(':') + 1));
            final long sizeBefore = Files.size(log);
            final long linesBefore = Files.readAllLines(log).size();
            final Random random = new Random(42);
            for (int i = 0; i < CONNECTIONS; i++)
            {
                final byte[] garbage;
                if (i % 2 == 0)
                {
                    garbage = "GET / HTTP/1.1\r\nHost: rocklet\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                }
                else
                {
                    garbage = new byte[64];
                    random.nextBytes(garbage);
                }
                sendGarbage(port, garbage);
            }

            assertNotNull(transport.router(router.address()).clusterInfo().get(10, TimeUnit.SECONDS),
                "a real call after the garbage");
            router.stop(); // all it logged is in the file once it exited

            final long grownBytes = Files.size(log) - sizeBefore;
            final List<String> lines = Files.readAllLines(log);
            final long grownLines = lines.size() - linesBefore;
            final String tail = String.join("\n", lines.subList((int) linesBefore, lines.size()));
            assertTrue(grownBytes <= MAX_LOG_GROWTH_BYTES && grownLines <= MAX_LOG_GROWTH_LINES, () ->
                "the log grew by " + grownBytes + " bytes, " + grownLines + " lines for " + CONNECTIONS +
                    " garbage connections:\n" + tail.substring(0, Math.min(tail.length(), 4000)));
        }
    }

    /**
     * Connects, sends {@code garbage}, and reads until the server closes the connection (bounded by the socket's read
     * timeout).
     */
    private static void sendGarbage(final int port, final byte[] garbage) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(15_000);
            final OutputStream out = socket.getOutputStream();
            out.write(garbage);
            out.flush();
            final InputStream in = socket.getInputStream();
            final byte[] buffer = new byte[4096];
            try
            {
                while (in.read(buffer) >= 0)
                {
                    // the server's answer (a GOAWAY) until it closes
                }
            }
            catch (final SocketException reset)
            {
                // closed with a reset: the same for this test
            }
        }
    }
}

package io.rocklet.transport.grpc;

import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server's hold on connections: it closes a connection idle past {@code connectionIdleTimeout} (a raw socket that
 * never speaks; not one with an open stream), and closes connections accepted beyond {@code maxConnections} while
 * the earlier ones go on. Plaintext on 127.0.0.1, port 0.
 */
@Timeout(60)
class ConnectionLimitsTest
{
    private static final Duration IDLE = Duration.ofMillis(300);
    /** Well below gRPC's own cut-offs (10 s handshake, 10 s ping after a GOAWAY): only the idle rule closes sooner. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);
    private static final BrokerIdentity IDENTITY = new BrokerIdentity("c1", "b1", 0, "grpc://127.0.0.1:1");

    @Test
    void shouldCloseARawConnectionWhenItStaysIdleLongerThanTheIdleTimeout() throws IOException
    {
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().connectionIdleTimeout(IDLE).build());
             Socket idle = new Socket())
        {
            final GrpcBinding endpoint = server.listen("grpc://127.0.0.1:0");
            idle.connect(new InetSocketAddress("127.0.0.1", endpoint.port()));
            idle.setSoTimeout(20_000); // bounds a failing test only

            final long startNs = System.nanoTime();
            assertTrue(closedByServer(idle), "the idle connection was not closed");
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(elapsedMs >= IDLE.toMillis() - 50, "closed before the idle timeout: " + elapsedMs + " ms");
            assertTrue(elapsedMs < CLOSE_BOUND.toMillis(), "closed " + elapsedMs + " ms after connecting, not " +
                "after the idle timeout of " + IDLE);
        }
    }

    @Test
    void shouldCloseAClientConnectionWhenItCarriesNoCallLongerThanTheIdleTimeout() throws Exception
    {
        final BrokerService broker = FakeBroker.create()
            .on("identity", args -> CompletableFuture.completedFuture(IDENTITY)).build();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().connectionIdleTimeout(IDLE).build());
             GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build()))
        {
            final String address = server.serve("grpc://127.0.0.1:0", broker).address();
            assertEquals(IDENTITY, client.broker(address).identity().get(10, TimeUnit.SECONDS));
            assertEquals(1, server.connectionsOpen());

            Await.until(CLOSE_BOUND, () -> server.connectionsOpen() == 0, () -> "the idle client connection is " +
                "still open after " + CLOSE_BOUND);
            assertEquals(IDENTITY, client.broker(address).identity().get(10, TimeUnit.SECONDS), "it reconnects");
        }
    }

    @Test
    void shouldKeepAConnectionWithAnOpenWatchWhenItCarriesNoCallForLongerThanTheIdleTimeout() throws Exception
    {
        final List<Consumer<GroupEvent>> watchers = new CopyOnWriteArrayList<>();
        final BrokerService broker = FakeBroker.create().on("watchGroup", args ->
        {
            @SuppressWarnings("unchecked") final Consumer<GroupEvent> listener = (Consumer<GroupEvent>) args[2];
            watchers.add(listener);
            return (Subscription) () -> watchers.remove(listener);
        }).build();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().connectionIdleTimeout(IDLE).build());
             GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build()))
        {
            final String address = server.serve("grpc://127.0.0.1:0", broker).address();
            final BlockingQueue<GroupEvent> events = new LinkedBlockingQueue<>();
            try (Subscription watch = client.broker(address).watchGroup("g", "client-1", events::add))
            {
                Await.until(() -> watchers.size() == 1, () -> "watch not set up on the broker");

                Await.holds(IDLE.multipliedBy(5), () -> server.callsStarted("WatchGroup") == 1 &&
                    server.callsOpen("WatchGroup") == 1, () -> "the watch was cut and renewed: started=" +
                    server.callsStarted("WatchGroup"));
                final GroupEvent event = new GroupEvent("g", GroupEvent.Kind.MEMBERS_CHANGED);
                watchers.get(0).accept(event);
                assertEquals(event, events.poll(10, TimeUnit.SECONDS));
                assertEquals(1, server.callsStarted("WatchGroup"), "one watch throughout");
            }
        }
    }

    @Test
    void shouldCloseConnectionsBeyondTheCapWhileTheEarlierOnesWork() throws Exception
    {
        final BrokerService broker = FakeBroker.create()
            .on("identity", args -> CompletableFuture.completedFuture(IDENTITY)).build();
        final List<Socket> sockets = new ArrayList<>();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().maxConnections(3).build());
             GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build()))
        {
            final GrpcBinding endpoint = server.serve("grpc://127.0.0.1:0", broker);
            final BrokerService stub = client.broker(endpoint.address());
            assertEquals(IDENTITY, stub.identity().get(10, TimeUnit.SECONDS)); // connection 1
            sockets.add(connect(endpoint.port())); // 2
            sockets.add(connect(endpoint.port())); // 3
            final Socket overCap = connect(endpoint.port());
            sockets.add(overCap);

            assertTrue(closedByServer(overCap), "a connection beyond the cap was kept");
            assertEquals(IDENTITY, stub.identity().get(10, TimeUnit.SECONDS), "the earlier connection works");
            for (final Socket earlier : sockets.subList(0, 2))
            {
                earlier.setSoTimeout(200);
                assertFalse(closedByServer(earlier), "an earlier connection was closed");
            }

            sockets.get(0).close(); // below the cap again: a new connection is taken
            Await.until(() -> !closedByServer(connectQuietly(endpoint.port(), sockets)),
                () -> "no connection taken after one closed");
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
    }

    private static Socket connect(final int port) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(10_000); // bounds a failing test only
        return socket;
    }

    private static Socket connectQuietly(final int port, final List<Socket> opened)
    {
        try
        {
            final Socket socket = connect(port);
            opened.add(socket);
            socket.setSoTimeout(200);
            return socket;
        }
        catch (final IOException e)
        {
            throw new AssertionError("cannot connect: " + e, e);
        }
    }

    /**
     * Reads until the server closes the socket (true) or the socket's read timeout passes with it open (false). The
     * server's HTTP/2 preface and GOAWAY frames are read and dropped.
     */
    private static boolean closedByServer(final Socket socket)
    {
        try
        {
            final InputStream in = socket.getInputStream();
            final byte[] buffer = new byte[1024];
            while (true)
            {
                if (in.read(buffer) < 0)
                {
                    return true;
                }
            }
        }
        catch (final SocketTimeoutException e)
        {
            return false;
        }
        catch (final SocketException e)
        {
            return true; // reset by the server
        }
        catch (final IOException e)
        {
            throw new AssertionError("read failed: " + e, e);
        }
    }
}

package io.rocklet.benchmarks.grpc;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * The wire reference of the gRPC figures: a raw TCP ping-pong of 128-byte messages on loopback with blocking sockets
 * and {@code TCP_NODELAY}, one client thread sending a message and reading its echo before sending the next. The
 * echo runs on a second thread of this JVM: a round trip then costs what every gRPC call pays at least - two
 * loopback segments and two wake-ups of a thread blocked in {@code read} - and nothing of the server JVM's code or
 * its other threads, so it is the same reference whatever the broker does. Measured right before the figures that
 * are divided by it, so that both see the same load on the machine.
 */
final class PingPong
{
    static final int MESSAGE_BYTES = 128;

    /**
     * @param roundTripNs mean time of one round trip.
     * @param perSecond   round trips per second.
     * @param roundTrips  round trips measured.
     */
    record Figures(double roundTripNs, double perSecond, long roundTrips)
    {
    }

    private PingPong()
    {
    }

    /**
     * Warms up for {@code warmupMs}, then counts the round trips completed in {@code measureMs}.
     *
     * @throws IOException when the loopback connection fails.
     */
    static Figures measure(final long warmupMs, final long measureMs) throws IOException, InterruptedException
    {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Thread echo = new Thread(() -> echo(listener), "pingpong-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket socket = new Socket())
            {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                final OutputStream out = socket.getOutputStream();
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final byte[] message = new byte[MESSAGE_BYTES];
                roundTrips(out, in, message, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs));
                final long start = System.nanoTime();
                final long count = roundTrips(out, in, message, start + TimeUnit.MILLISECONDS.toNanos(measureMs));
                final long elapsedNs = System.nanoTime() - start;
                socket.shutdownOutput(); // the echo thread sees the end and exits
                echo.join(TimeUnit.SECONDS.toMillis(5));
                return new Figures((double) elapsedNs / count, count * 1e9 / elapsedNs, count);
            }
        }
    }

    private static long roundTrips(final OutputStream out, final DataInputStream in, final byte[] message,
        final long untilNs) throws IOException
    {
        long count = 0;
        do
        {
            out.write(message);
            in.readFully(message);
            count++;
        }
        while (System.nanoTime() < untilNs);
        return count;
    }

    private static void echo(final ServerSocket listener)
    {
        try (Socket socket = listener.accept())
        {
            socket.setTcpNoDelay(true);
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            final byte[] message = new byte[MESSAGE_BYTES];
            while (true)
            {
                int read = 0;
                while (read < MESSAGE_BYTES)
                {
                    final int n = in.read(message, read, MESSAGE_BYTES - read);
                    if (n < 0)
                    {
                        return;
                    }
                    read += n;
                }
                out.write(message);
            }
        }
        catch (final IOException e)
        {
            // the client went away: nothing to echo any more
        }
    }
}

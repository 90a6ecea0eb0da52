package io.rocklet.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback that a test controls: it listens on a free port of 127.0.0.1 and forwards every connection
 * to one target, byte for byte, until {@link #cut()}: then every open connection is closed and new ones are closed as
 * soon as they are accepted (a network partition between the proxy's clients and the target), until
 * {@link #restore()}. One daemon thread accepts; two daemon threads pump each connection. Thread-safe.
 */
final class LoopbackProxy implements AutoCloseable
{
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private LoopbackProxy(final String targetHostAndPort) throws IOException
    {
        final int colon = targetHostAndPort.lastIndexOf(':');
        this.targetHost = targetHostAndPort.substring(0, colon);
        this.targetPort = Integer.parseInt(targetHostAndPort.substring(colon + 1));
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::accept, "loopback-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * @param target {@code host:port}, or a {@code grpc://host:port} address.
     */
    static LoopbackProxy to(final String target)
    {
        try
        {
            return new LoopbackProxy(target.startsWith("grpc://") ? target.substring("grpc://".length()) : target);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot start a loopback proxy to " + target, e);
        }
    }

    /**
     * @return {@code grpc://127.0.0.1:<port>}: where to reach the target through the proxy.
     */
    String address()
    {
        return "grpc://127.0.0.1:" + server.getLocalPort();
    }

    /**
     * Closes every forwarded connection and refuses new ones until {@link #restore()}.
     */
    void cut()
    {
        cut = true;
        open.forEach(LoopbackProxy::closeQuietly);
        open.clear();
    }

    /**
     * Forwards new connections again.
     */
    void restore()
    {
        cut = false;
    }

    @Override
    public void close()
    {
        closed = true;
        cut();
        closeQuietly(server);
    }

    private void accept()
    {
        while (!closed)
        {
            final Socket client;
            try
            {
                client = server.accept();
            }
            catch (final IOException e)
            {
                return; // closed
            }
            if (cut)
            {
                closeQuietly(client);
                continue;
            }
            try
            {
                final Socket target = new Socket();
                target.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                open.add(client);
                open.add(target);
                pump(client, target);
                pump(target, client);
                if (cut)
                {
                    closeQuietly(client);
                    closeQuietly(target);
                }
            }
            catch (final IOException e)
            {
                closeQuietly(client); // the target is down: so is the connection
            }
        }
    }

    private void pump(final Socket from, final Socket to)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
            {
                int read;
                while ((read = in.read(buffer)) >= 0)
                {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
            catch (final IOException e)
            {
                // cut, or an end closed: close both below
            }
            finally
            {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "loopback-proxy-pump-" + from.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception e)
        {
            // already closed
        }
    }
}

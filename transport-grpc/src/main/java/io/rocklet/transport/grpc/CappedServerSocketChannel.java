package io.rocklet.transport.grpc;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening socket that holds at most {@code maxConnections} connections open: a connection accepted beyond that
 * is closed at once, before gRPC sees it (one rate-limited log line), so that a flood of sockets cannot take every
 * file descriptor; connections already open go on. Owned by its event loop; the count is shared with the closing
 * connections' event loops.
 */
final class CappedServerSocketChannel extends NioServerSocketChannel
{
    private final int maxConnections;
    private final AtomicInteger open;
    private final RateLimitedLog refusals;

    /**
     * @param open the server's count of open connections (one per listening socket: shared by nothing else).
     */
    CappedServerSocketChannel(final int maxConnections, final AtomicInteger open, final RateLimitedLog refusals)
    {
        this.maxConnections = maxConnections;
        this.open = open;
        this.refusals = refusals;
    }

    @Override
    protected int doReadMessages(final List<Object> buf) throws Exception
    {
        final int before = buf.size();
        final int accepted = super.doReadMessages(buf);
        for (int i = buf.size() - 1; i >= before; i--)
        {
            final Channel connection = (Channel) buf.get(i);
            if (open.incrementAndGet() > maxConnections)
            {
                open.decrementAndGet();
                buf.remove(i);
                refusals.warn("over-cap", "connection refused, server at its connection cap: local=" +
                    localAddress() + ", remote=" + connection.remoteAddress() + ", maxConnections=" + maxConnections);
                connection.unsafe().closeForcibly();
            }
            else
            {
                connection.closeFuture().addListener(closed -> open.decrementAndGet());
            }
        }
        return accepted;
    }
}

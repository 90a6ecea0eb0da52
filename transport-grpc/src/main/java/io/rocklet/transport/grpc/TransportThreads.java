package io.rocklet.transport.grpc;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads of one {@link GrpcTransport}, shared by all its servers and channels: a fixed number of Netty
 * event-loop threads {@code rocklet-grpc-<n>-io-<k>} (sockets, TLS, HTTP/2 framing; also the timers of reconnection
 * back-off) and a fixed pool {@code rocklet-grpc-<n>-exec-<k>} that runs service handlers and answer callbacks. The
 * pool's queue holds at most the callbacks of the calls in flight, which are bounded per peer. All daemon threads.
 */
final class TransportThreads implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TransportThreads.class);
    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final long CLOSE_WAIT_MS = 2000;

    private final EventLoopGroup eventLoops;
    private final ThreadPoolExecutor executor;

    TransportThreads(final int ioThreads, final int executorThreads)
    {
        final String prefix = "rocklet-grpc-" + INSTANCES.incrementAndGet();
        this.eventLoops = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory(prefix + "-io", true));
        final AtomicInteger counter = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(executorThreads, executorThreads, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), task ->
            {
                final Thread thread = new Thread(task, prefix + "-exec-" + counter.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
    }

    EventLoopGroup eventLoops()
    {
        return eventLoops;
    }

    ExecutorService executor()
    {
        return executor;
    }

    int executorThreads()
    {
        return executor.getCorePoolSize();
    }

    /**
     * @return a scheduler for short timer tasks (the event loops).
     */
    ScheduledExecutorService timers()
    {
        return eventLoops;
    }

    @Override
    public void close()
    {
        executor.shutdown();
        eventLoops.shutdownGracefully(0, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        try
        {
            if (!executor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                executor.shutdownNow();
            }
            if (!eventLoops.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                LOG.warn("grpc event loops still running after close: waitedMs={}", CLOSE_WAIT_MS);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}

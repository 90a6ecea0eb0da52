package io.rocklet.client.consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that call a push consumer's listener: up to {@code consumeThreads} daemon threads named
 * {@code rocklet-consume-<group>-N}, made on demand and ended after a minute idle; tasks wait in an
 * unbounded queue (what is queued is bounded by the pull thresholds). Thread-safe.
 */
final class ConsumePool
{
    private static final Logger LOG = LoggerFactory.getLogger(ConsumePool.class);
    private static final long KEEP_ALIVE_SECONDS = 60;
    private static final ThreadLocal<ConsumePool> CURRENT = new ThreadLocal<>();

    private final ThreadPoolExecutor executor;

    ConsumePool(final String group, final int threads)
    {
        final AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task ->
            {
                final Thread thread = new Thread(() ->
                {
                    CURRENT.set(this);
                    task.run();
                }, "rocklet-consume-" + group + "-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code task} on a consume thread; dropped after {@link #shutdown()}.
     */
    void execute(final Runnable task)
    {
        try
        {
            executor.execute(task);
        }
        catch (final RejectedExecutionException ex)
        {
            LOG.debug("consume pool shut down, task dropped: task={}", task);
        }
    }

    /**
     * @return true when the calling thread is one of this pool's.
     */
    boolean isConsumeThread()
    {
        return CURRENT.get() == this;
    }

    /**
     * Takes no more tasks; running and queued ones finish (queued tasks of dropped queues return at once,
     * leaving their messages uncommitted). Idempotent.
     */
    void shutdown()
    {
        executor.shutdown();
    }
}

package io.rocklet.client.consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's scheduler thread as the consumers use it: for timers and as the executor that future
 * callbacks hop to (so that no consumer code runs on a broker's thread). A task that throws is logged
 * and, when periodic, keeps its schedule; after the client closed the scheduler, tasks are dropped
 * quietly instead of throwing into whichever thread completed a future. Thread-safe.
 */
final class ClientExecutor implements Executor
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientExecutor.class);

    private final ScheduledExecutorService scheduler;

    ClientExecutor(final ScheduledExecutorService scheduler)
    {
        this.scheduler = scheduler;
    }

    @Override
    public void execute(final Runnable task)
    {
        try
        {
            scheduler.execute(guard(task));
        }
        catch (final RejectedExecutionException ex)
        {
            LOG.debug("client scheduler closed, task dropped: task={}", task);
        }
    }

    /**
     * @return the scheduled task, or null when the scheduler is closed.
     */
    ScheduledFuture<?> schedule(final Runnable task, final long delayMs)
    {
        try
        {
            return scheduler.schedule(guard(task), delayMs, TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            LOG.debug("client scheduler closed, task dropped: task={}", task);
            return null;
        }
    }

    /**
     * @return the periodic task (first run after one period), or null when the scheduler is closed.
     */
    ScheduledFuture<?> every(final Runnable task, final long periodMs)
    {
        try
        {
            return scheduler.scheduleWithFixedDelay(guard(task), periodMs, periodMs, TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            LOG.debug("client scheduler closed, task dropped: task={}", task);
            return null;
        }
    }

    static void cancel(final ScheduledFuture<?> task)
    {
        if (task != null)
        {
            task.cancel(false);
        }
    }

    private static Runnable guard(final Runnable task)
    {
        return () ->
        {
            try
            {
                task.run();
            }
            catch (final RuntimeException ex)
            {
                LOG.error("consumer task failed: task={}", task, ex);
            }
        };
    }
}

package io.rocklet.client.producer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The producer's callback thread: the futures an application gets from an async send complete here when they were
 * not complete at once, never on the thread that delivered the broker's answer. A transport may deliver answers on
 * its I/O thread (gRPC completes sends on its event loop, so that a blocking {@code send} is woken without a hand-off);
 * an application callback that blocks or runs long must not hold that thread, nor a store's flush thread over the
 * local transport. One daemon thread {@code rocklet-producer-callbacks-<group>}, started on the first hand-off and
 * ended after {@value #IDLE_SECONDS} s without one, so a closed producer leaves no thread behind; callbacks run in
 * the order their answers arrived. Thread-safe.
 */
final class Callbacks
{
    static final long IDLE_SECONDS = 10;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ThreadPoolExecutor executor;

    /**
     * @param group the producer group, in the thread's name.
     */
    Callbacks(final String group)
    {
        this.executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            task ->
            {
                final Thread thread = new Thread(task, "rocklet-producer-callbacks-" + group + "-" +
                    THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * @param source a send's future.
     * @return {@code source} itself when it is complete already (its callbacks run on the caller's thread, as they
     *     would anyway); otherwise a future completed as {@code source} is, on the callback thread.
     */
    <T> CompletableFuture<T> handOff(final CompletableFuture<T> source)
    {
        if (source.isDone())
        {
            return source;
        }
        final CompletableFuture<T> result = new CompletableFuture<>();
        source.whenComplete((value, error) -> run(() ->
        {
            if (error == null)
            {
                result.complete(value);
            }
            else
            {
                result.completeExceptionally(error);
            }
        }));
        return result;
    }

    private void run(final Runnable task)
    {
        try
        {
            executor.execute(task);
        }
        catch (final RejectedExecutionException e)
        {
            task.run(); // cannot happen while the pool is never shut down; completing here beats never
        }
    }
}

package io.rocklet.store.internal.dispatch;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Futures waiting for the dispatcher to pass a log position: each completes once every record before its
 * position is in its consume queue (or once the dispatcher stops for good: the store closed or was fenced).
 * Any thread waits; the dispatcher completes. Thread-safe.
 */
final class DispatchWaiters
{
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private volatile boolean released;

    /** A wait for one position. */
    private record Waiter(long position, CompletableFuture<Void> future)
    {
    }

    /**
     * @param position   the log position to wait for.
     * @param dispatched how far the dispatcher is now (read again after registering, so that no pass is missed).
     * @return completes once the dispatcher passed {@code position}.
     */
    CompletableFuture<Void> await(final long position, final LongSupplier dispatched)
    {
        if (released || dispatched.getAsLong() >= position)
        {
            return DONE;
        }
        final Waiter waiter = new Waiter(position, new CompletableFuture<>());
        waiting.add(waiter);
        if (released || dispatched.getAsLong() >= position)
        {
            waiting.remove(waiter);
            waiter.future().complete(null);
        }
        return waiter.future();
    }

    /**
     * Completes the waits the dispatcher passed. Dispatcher only, after publishing {@code dispatchedPosition}.
     */
    void passed(final long dispatchedPosition)
    {
        if (waiting.isEmpty())
        {
            return;
        }
        final Iterator<Waiter> it = waiting.iterator();
        while (it.hasNext())
        {
            final Waiter waiter = it.next();
            if (waiter.position() <= dispatchedPosition)
            {
                it.remove();
                waiter.future().complete(null);
            }
        }
    }

    /**
     * Completes every wait, now and from now on: the dispatcher will not move again.
     */
    void releaseAll()
    {
        released = true;
        for (Waiter waiter = waiting.poll(); waiter != null; waiter = waiting.poll())
        {
            waiter.future().complete(null);
        }
    }
}

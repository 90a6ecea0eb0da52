package io.rocklet.store.internal.dispatch;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Spins, then yields, then parks for growing periods (up to {@code maxParkNs}) like Agrona's
 * {@code BackoffIdleStrategy}, but a producer can {@link #wake()} the parked thread, so that work
 * arriving after a quiet period waits microseconds rather than a full park period. Before parking
 * it asks {@code hasWork} once more, which closes most of the window in which a wake-up is missed;
 * a missed one costs at most one park period.
 */
public final class WakeableIdleStrategy implements IdleStrategy
{
    private final int maxSpins;
    private final int maxYields;
    private final long minParkNs;
    private final long maxParkNs;
    private final BooleanSupplier hasWork;
    private volatile Thread parkedThread;
    private int spins;
    private int yields;
    private long parkNs;

    public WakeableIdleStrategy(final int maxSpins, final int maxYields, final long minParkNs, final long maxParkNs,
        final BooleanSupplier hasWork)
    {
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.hasWork = hasWork;
        this.parkNs = minParkNs;
    }

    /**
     * Unparks the idle thread if it is parked. Cheap when it is not (one volatile read).
     */
    public void wake()
    {
        final Thread thread = parkedThread;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (spins < maxSpins)
        {
            spins++;
            Thread.onSpinWait();
        }
        else if (yields < maxYields)
        {
            yields++;
            Thread.yield();
        }
        else
        {
            parkedThread = Thread.currentThread();
            if (!hasWork.getAsBoolean())
            {
                LockSupport.parkNanos(parkNs);
                parkNs = Math.min(parkNs << 1, maxParkNs);
            }
            parkedThread = null;
        }
    }

    @Override
    public void reset()
    {
        spins = 0;
        yields = 0;
        parkNs = minParkNs;
    }

    @Override
    public String alias()
    {
        return "wakeable-backoff";
    }
}

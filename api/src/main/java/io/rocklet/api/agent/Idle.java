package io.rocklet.api.agent;

import io.rocklet.api.InvalidArgumentException;

import java.util.concurrent.TimeUnit;

/**
 * How a thread of an {@link AgentHost} waits when its agents found no work: it spins {@code maxSpins} times, yields
 * {@code maxYields} times, then parks for {@code minParkNs}, doubling up to {@code maxParkNs} while nothing happens.
 * New work cuts the wait short: an agent's {@link AgentHost.Agents#wake()} unparks the thread at once.
 *
 * @param maxSpins  busy spins before yielding (0: none).
 * @param maxYields yields before parking (0: none).
 * @param minParkNs the first park period, in nanoseconds (&gt; 0).
 * @param maxParkNs the longest park period, in nanoseconds (&ge; minParkNs).
 */
public record Idle(int maxSpins, int maxYields, long minParkNs, long maxParkNs)
{
    /**
     * Validates the periods.
     *
     * @throws InvalidArgumentException naming the wrong value.
     */
    public Idle
    {
        if (maxSpins < 0 || maxYields < 0 || minParkNs <= 0 || maxParkNs < minParkNs)
        {
            throw new InvalidArgumentException("illegal idle strategy: maxSpins=" + maxSpins + ", maxYields=" +
                maxYields + ", minParkNs=" + minParkNs + ", maxParkNs=" + maxParkNs +
                ", allowed: spins and yields >= 0, 0 < minParkNs <= maxParkNs");
        }
    }

    /**
     * @param sleepMs how long to sleep between duty cycles that found no work.
     * @return an idle strategy that only sleeps (for agents paced by clocks).
     */
    public static Idle sleeping(final long sleepMs)
    {
        final long ns = TimeUnit.MILLISECONDS.toNanos(sleepMs);
        return new Idle(0, 0, ns, ns);
    }

    /**
     * @param other another agent's idle strategy.
     * @return the strategy that serves both on one thread: the more eager of each setting.
     */
    public Idle eagerest(final Idle other)
    {
        return new Idle(Math.max(maxSpins, other.maxSpins), Math.max(maxYields, other.maxYields),
            Math.min(minParkNs, other.minParkNs), Math.min(maxParkNs, other.maxParkNs));
    }
}

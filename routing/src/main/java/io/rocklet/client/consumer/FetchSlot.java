package io.rocklet.client.consumer;

/**
 * The fetch in flight of one queue (at most one), as {@link QueueFetcher} keeps it: its sequence number, when it
 * went out, and the failures in a row. An answer counts only while its fetch is the one in flight: a fetch given up
 * as stalled ({@link #abandonIfStalled}) or superseded by a seek or reset ({@link #abandon}) is ignored when its
 * answer comes after all. Thread-safe (answers arrive on transport threads, timers on the client's scheduler).
 */
final class FetchSlot
{
    private int sequence;
    private long startedNanos;
    private boolean inFlight;
    private int failures;

    /**
     * Records that a fetch is going out.
     *
     * @return its sequence number, to match its answer with.
     */
    synchronized int begin(final long nowNanos)
    {
        inFlight = true;
        startedNanos = nowNanos;
        return ++sequence;
    }

    /**
     * @return true when {@code answered} is the fetch in flight (its answer counts); it is no longer in flight.
     */
    synchronized boolean end(final int answered)
    {
        if (answered != sequence || !inFlight)
        {
            return false;
        }
        inFlight = false;
        return true;
    }

    synchronized boolean inFlight()
    {
        return inFlight;
    }

    /**
     * The fetch in flight, if any, no longer counts (the queue moved); failures are forgotten.
     */
    synchronized void abandon()
    {
        inFlight = false;
        sequence++;
        failures = 0;
    }

    /**
     * @return true when a fetch has been in flight for longer than {@code limitNanos} (its answer is lost); that
     *     fetch no longer counts.
     */
    synchronized boolean abandonIfStalled(final long nowNanos, final long limitNanos)
    {
        if (inFlight && nowNanos - startedNanos > limitNanos)
        {
            inFlight = false;
            sequence++;
            return true;
        }
        return false;
    }

    /**
     * @return the failures in a row so far, this one included.
     */
    synchronized int countFailure()
    {
        return ++failures;
    }

    /**
     * @return the failures in a row before this success.
     */
    synchronized int resetFailures()
    {
        final int before = failures;
        failures = 0;
        return before;
    }
}

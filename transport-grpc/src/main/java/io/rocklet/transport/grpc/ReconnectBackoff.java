package io.rocklet.transport.grpc;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Caps gRPC's own reconnection back-off (which grows to two minutes) at the transport's: while a channel is in
 * TRANSIENT_FAILURE it is told to reconnect at once ({@link ManagedChannel#resetConnectBackoff()}) after a wait
 * that starts at the minimum and doubles per failure up to the maximum, and starts over once connected. Calls made
 * meanwhile fail fast (gRPC fails calls on a channel in TRANSIENT_FAILURE instead of queueing them).
 * Thread-safe: state changes arrive on gRPC's threads one at a time, timers run on the transport's event loops.
 */
final class ReconnectBackoff
{
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectBackoff.class);

    private final ManagedChannel channel;
    private final String address;
    private final ScheduledExecutorService timers;
    private final long minMs;
    private final long maxMs;
    private int failures;

    ReconnectBackoff(final ManagedChannel channel, final String address, final ScheduledExecutorService timers,
        final Duration min, final Duration max)
    {
        this.channel = channel;
        this.address = address;
        this.timers = timers;
        this.minMs = min.toMillis();
        this.maxMs = max.toMillis();
    }

    /**
     * Starts following the channel's state.
     */
    void start()
    {
        follow(channel.getState(false));
    }

    /**
     * @return the wait after {@code failures} consecutive failures: min * 2^(failures-1), at most max.
     */
    static long delayMs(final int failures, final long minMs, final long maxMs)
    {
        final int doublings = Math.min(Math.max(failures - 1, 0), 30);
        return Math.min(maxMs, minMs << doublings);
    }

    private void follow(final ConnectivityState state)
    {
        if (state == ConnectivityState.SHUTDOWN)
        {
            return;
        }
        channel.notifyWhenStateChanged(state, this::onStateChange);
    }

    private synchronized void onStateChange()
    {
        final ConnectivityState state = channel.getState(false);
        if (state == ConnectivityState.READY)
        {
            if (failures > 0)
            {
                LOG.info("grpc peer reachable again: address={}, failedAttempts={}", address, failures);
            }
            failures = 0;
        }
        else if (state == ConnectivityState.TRANSIENT_FAILURE)
        {
            failures++;
            final long delay = delayMs(failures, minMs, maxMs);
            if (failures == 1)
            {
                LOG.warn("grpc peer unreachable, reconnecting with back-off: address={}", address);
            }
            try
            {
                timers.schedule(channel::resetConnectBackoff, delay, TimeUnit.MILLISECONDS);
            }
            catch (final RejectedExecutionException e)
            {
                return; // the transport is closing
            }
        }
        follow(state);
    }
}

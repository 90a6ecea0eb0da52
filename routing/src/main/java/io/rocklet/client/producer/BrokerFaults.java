package io.rocklet.client.producer;

import org.agrona.concurrent.NanoClock;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Latency-fault tolerance, simplified: a broker whose send failed with a retriable error is avoided for
 * an isolation period, or until a send to it succeeds. Thread-safe (a concurrent map of deadlines).
 */
final class BrokerFaults
{
    private final NanoClock clock;
    private final long isolationNs;
    private final ConcurrentHashMap<String, Long> avoidUntilNs = new ConcurrentHashMap<>();

    BrokerFaults(final NanoClock clock, final long isolationNs)
    {
        this.clock = clock;
        this.isolationNs = isolationNs;
    }

    void failed(final String brokerName)
    {
        avoidUntilNs.put(brokerName, clock.nanoTime() + isolationNs);
    }

    void succeeded(final String brokerName)
    {
        if (!avoidUntilNs.isEmpty())
        {
            avoidUntilNs.remove(brokerName);
        }
    }

    /**
     * @return false while the broker is isolated after a failure.
     */
    boolean available(final String brokerName)
    {
        if (avoidUntilNs.isEmpty())
        {
            return true;
        }
        final Long until = avoidUntilNs.get(brokerName);
        if (until == null)
        {
            return true;
        }
        if (clock.nanoTime() - until >= 0)
        {
            avoidUntilNs.remove(brokerName, until);
            return true;
        }
        return false;
    }
}

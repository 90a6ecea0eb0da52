package io.rocklet.client.producer;

import io.rocklet.api.MessageQueue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round-robin queue choice per topic that steers around failing brokers: the next queue in turn whose
 * broker is neither isolated ({@link BrokerFaults}) nor failed earlier in this send; failing that, one whose
 * broker did not fail in this send; failing that, one not on the broker that failed last; failing that, the
 * next queue in turn. Thread-safe (a counter per topic).
 */
final class QueueChooser
{
    private final BrokerFaults faults;
    private final ConcurrentHashMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    QueueChooser(final BrokerFaults faults)
    {
        this.faults = faults;
    }

    /**
     * @param queues   the topic's writable queues, not empty.
     * @param excluded brokers that failed earlier in this send, the one that failed last at the end.
     */
    MessageQueue choose(final String topic, final List<MessageQueue> queues, final Set<String> excluded)
    {
        final AtomicInteger counter = counters.computeIfAbsent(topic, name -> new AtomicInteger());
        final int start = counter.getAndIncrement();
        final int count = queues.size();
        for (int i = 0; i < count; i++)
        {
            final MessageQueue queue = queues.get(Math.floorMod(start + i, count));
            if (!excluded.contains(queue.brokerName()) && faults.available(queue.brokerName()))
            {
                skip(counter, i);
                return queue;
            }
        }
        for (int i = 0; i < count; i++)
        {
            final MessageQueue queue = queues.get(Math.floorMod(start + i, count));
            if (!excluded.contains(queue.brokerName()))
            {
                skip(counter, i);
                return queue;
            }
        }
        final String lastFailed = last(excluded);
        for (int i = 0; i < count; i++)
        {
            final MessageQueue queue = queues.get(Math.floorMod(start + i, count));
            if (!queue.brokerName().equals(lastFailed))
            {
                skip(counter, i);
                return queue;
            }
        }
        return queues.get(Math.floorMod(start, count));
    }

    private static String last(final Set<String> excluded)
    {
        String last = null;
        for (final String name : excluded)
        {
            last = name;
        }
        return last;
    }

    /**
     * Moves the turn past the queues passed over, so that the next send goes on from the one chosen.
     */
    private static void skip(final AtomicInteger counter, final int passedOver)
    {
        if (passedOver > 0)
        {
            counter.getAndAdd(passedOver);
        }
    }
}

package io.rocklet.client.producer;

import io.rocklet.api.MessageQueue;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class QueueChooserTest
{
    private static final List<MessageQueue> QUEUES = List.of(q("a", 0), q("a", 1), q("b", 0), q("b", 1));

    private final CachedNanoClock clock = new CachedNanoClock();
    private final BrokerFaults faults = new BrokerFaults(clock, 1_000);
    private final QueueChooser chooser = new QueueChooser(faults);

    @Test
    void shouldTakeQueuesInTurnWhenNoBrokerFails()
    {
        for (int round = 0; round < 2; round++)
        {
            for (final MessageQueue expected : QUEUES)
            {
                assertEquals(expected, chooser.choose("t", QUEUES, Set.of()));
            }
        }
    }

    @Test
    void shouldSpreadOverOtherQueuesWhileBrokerIsIsolated()
    {
        faults.failed("a");

        assertEquals(q("b", 0), chooser.choose("t", QUEUES, Set.of()));
        assertEquals(q("b", 1), chooser.choose("t", QUEUES, Set.of()));
        assertEquals(q("b", 0), chooser.choose("t", QUEUES, Set.of()));

        clock.advance(1_000);
        assertTrue(faults.available("a"));
    }

    @Test
    void shouldForgetFailureWhenBrokerSucceeds()
    {
        faults.failed("a");
        assertFalse(faults.available("a"));

        faults.succeeded("a");

        assertTrue(faults.available("a"));
    }

    @Test
    void shouldFallBackToIsolatedBrokerWhenNothingElseIsLeft()
    {
        faults.failed("a");

        assertEquals("a", chooser.choose("t", QUEUES, Set.of("b")).brokerName());
    }

    @Test
    void shouldAvoidBrokerThatFailedLastWhenEveryBrokerFailed()
    {
        final Set<String> failed = new LinkedHashSet<>(List.of("a", "b"));

        assertEquals("a", chooser.choose("t", QUEUES, failed).brokerName());
        assertEquals("a", chooser.choose("t", QUEUES, failed).brokerName());
    }

    @Test
    void shouldKeepOneTurnPerTopic()
    {
        assertEquals(q("a", 0), chooser.choose("t", QUEUES, Set.of()));
        assertEquals(q("a", 0), chooser.choose("u", QUEUES, Set.of()));
    }

    private static MessageQueue q(final String broker, final int id)
    {
        return new MessageQueue("t", broker, id);
    }
}

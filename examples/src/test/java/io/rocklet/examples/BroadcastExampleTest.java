package io.rocklet.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class BroadcastExampleTest
{
    @Test
    void shouldDeliverEveryUpdateToEveryInstanceWhenRun() throws Exception
    {
        final ExampleOutput output = new ExampleOutput();

        final Broadcast.Outcome outcome = Broadcast.run(output.stream);

        assertEquals(Broadcast.INSTANCES, outcome.received().size());
        outcome.received().forEach((instance, updates) ->
            assertEquals(Broadcast.UPDATES.stream().sorted().toList(), updates, instance));
        assertTrue(output.text().contains("cache-3 received 5"), output.text());
    }
}

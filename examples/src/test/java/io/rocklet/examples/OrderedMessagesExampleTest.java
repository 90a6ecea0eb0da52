package io.rocklet.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class OrderedMessagesExampleTest
{
    @Test
    void shouldConsumeEveryOrderStepByStepFromOneQueueWhenRun() throws Exception
    {
        final ExampleOutput output = new ExampleOutput();

        final OrderedMessages.Outcome outcome = OrderedMessages.run(output.stream);

        assertEquals(OrderedMessages.ORDERS, outcome.stepsByOrder().size());
        outcome.stepsByOrder().forEach((order, steps) -> assertEquals(OrderedMessages.STEPS, steps, order));
        outcome.queuesByOrder().forEach((order, queues) -> assertEquals(1, queues.size(), order + " " + queues));
        assertTrue(outcome.queuesByOrder().values().stream().distinct().count() > 1, "orders spread over queues");
        assertTrue(output.text().contains("every order consumed step by step: true"), output.text());
    }
}

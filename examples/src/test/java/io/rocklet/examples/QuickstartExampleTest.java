package io.rocklet.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class QuickstartExampleTest
{
    @Test
    void shouldConsumeOnlyThePaidOrdersWhenRun() throws Exception
    {
        final ExampleOutput output = new ExampleOutput();

        final Quickstart.Outcome outcome = Quickstart.run(output.stream);

        assertEquals(IntStream.range(0, Quickstart.ORDERS).filter(i -> i % 2 == 0).mapToObj(i -> "order-" + i)
            .sorted().toList(), outcome.consumedKeys().stream().sorted().toList(), "the even (paid) orders, once each");
        assertTrue(output.text().contains("billing consumed all 10 'paid' orders"), output.text());
        assertTrue(output.text().contains("closed; total"), output.text());
    }
}

package io.rocklet.examples;

import io.rocklet.api.admin.MessageDetail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RetryAndDeadLetterExampleTest
{
    @Test
    void shouldDeadLetterThePoisonAndConsumeItOnceReSentWhenRun() throws Exception
    {
        final ExampleOutput output = new ExampleOutput();

        final RetryAndDeadLetter.Outcome outcome = RetryAndDeadLetter.run(output.stream);

        assertEquals(List.of(0, 1, 2), outcome.poisonAttempts(), "delivered, then redelivered twice");
        assertEquals(1, outcome.deadLetters().size(), outcome.deadLetters().toString());
        final MessageDetail dead = outcome.deadLetters().get(0);
        assertEquals("%DLQ%billing", dead.topic());
        assertEquals("payments", dead.originTopic());
        assertEquals("poison-payment", dead.bodyText());
        assertEquals(dead.messageId(), outcome.resent().deadLetterId());
        assertEquals("payments", outcome.resent().receipt().queue().topic());
        assertEquals(List.of("payment-1", "payment-2", "poison-payment"), outcome.consumedOk().stream().sorted()
            .toList());
        assertEquals("poison-payment", outcome.consumedOk().get(outcome.consumedOk().size() - 1), "re-sent last");
        assertTrue(output.text().contains("re-sent payment consumed: true"), output.text());
    }
}

package io.rocklet.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushConsumerConfigTest
{
    @Test
    void shouldDefaultTheConsumeTimeoutToRocketMqsFifteenMinutes()
    {
        assertEquals(Duration.ofMinutes(15), builder().build().consumeTimeout());
        assertEquals(Duration.ofMillis(300), builder().consumeTimeout(Duration.ofMillis(300)).build().consumeTimeout());
    }

    @Test
    void shouldRefuseAConsumeTimeoutThatIsNotPositive()
    {
        for (final Duration timeout : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), null})
        {
            final InvalidArgumentException refused = assertThrows(InvalidArgumentException.class,
                () -> builder().consumeTimeout(timeout).build());
            assertEquals(ErrorCode.INVALID_ARGUMENT, refused.errorCode());
            assertTrue(refused.getMessage().contains("consumeTimeout=" + timeout), refused.getMessage());
            assertTrue(refused.getMessage().contains("push consumer g"), refused.getMessage());
        }
    }

    private static PushConsumerConfig.Builder builder()
    {
        return PushConsumerConfig.builder("g").subscribe("t", "*").listener(messages -> ConsumeResult.SUCCESS);
    }
}

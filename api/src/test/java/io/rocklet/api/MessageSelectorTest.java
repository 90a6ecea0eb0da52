package io.rocklet.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageSelectorTest
{
    @Test
    void shouldCarryTagOrSqlExpressionWhenMade()
    {
        final MessageSelector tag = MessageSelector.tag("A || B");
        assertEquals(MessageSelector.Type.TAG, tag.type());
        assertEquals("A || B", tag.tagExpression());
        assertEquals("", tag.sqlExpression());

        final MessageSelector sql = MessageSelector.sql("region = 'eu'");
        assertEquals(MessageSelector.Type.SQL92, sql.type());
        assertEquals("*", sql.tagExpression());
        assertEquals("region = 'eu'", sql.sqlExpression());
        assertEquals("SQL92:region = 'eu'", sql.toString());
        assertEquals(sql, MessageSelector.of(MessageSelector.Type.SQL92, "region = 'eu'"));

        assertSame(MessageSelector.all(), MessageSelector.tag("*"));
        assertSame(MessageSelector.all(), MessageSelector.tag(null));
    }

    @Test
    void shouldFailAtSubscribeNamingExpressionAndPositionWhenSqlIsMalformed()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () ->
            PushConsumerConfig.builder("g").subscribe("orders", MessageSelector.sql("amount > 10 AND region =")));
        assertTrue(e.getMessage().contains("position=24"), e.getMessage());
        assertTrue(e.getMessage().contains("expression=\"amount > 10 AND region =\""), e.getMessage());
        assertThrows(InvalidArgumentException.class, () ->
            PushConsumerConfig.builder("g").subscribe("orders", (MessageSelector) null));
    }

    @Test
    void shouldKeepTheSelectorWhenSubscribedThroughTheBuilder()
    {
        final PushConsumerConfig config = PushConsumerConfig.builder("g")
            .subscribe("orders", MessageSelector.sql("amount > 10"))
            .subscribe("events", "A || B")
            .listener(messages -> ConsumeResult.SUCCESS).build();
        assertEquals(MessageSelector.sql("amount > 10"), config.subscriptions().get("orders"));
        assertEquals(MessageSelector.tag("A || B"), config.subscriptions().get("events"));
    }
}

package io.rocklet.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TopicNamesTest
{
    @Test
    void shouldAcceptEveryAllowedCharacterWhenValidating()
    {
        final String topic = "abcXYZ019_-%|";

        assertTrue(TopicNames.isValid(topic), topic);
        assertSame(topic, TopicNames.validate(topic));
    }

    @Test
    void shouldRejectNamesWhenNullEmptyOrTooLong()
    {
        assertFalse(TopicNames.isValid(null), "null");
        assertFalse(TopicNames.isValid(""), "empty");
        assertTrue(TopicNames.isValid("a".repeat(Limits.MAX_TOPIC_LENGTH)), "127 characters");
        assertFalse(TopicNames.isValid("a".repeat(Limits.MAX_TOPIC_LENGTH + 1)), "128 characters");
    }

    @Test
    void shouldRejectNameWhenItHasACharacterOutsideTheAllowedSet()
    {
        for (final String topic : new String[] {"a b", "a.b", "a/b", "a#b", "a:b", "é", "a\tb", "a*b"})
        {
            assertFalse(TopicNames.isValid(topic), topic);
        }
    }

    @Test
    void shouldNameTheProblemWhenValidationFails()
    {
        final InvalidArgumentException empty = assertThrows(InvalidArgumentException.class,
            () -> TopicNames.validate(""));
        final InvalidArgumentException dot = assertThrows(InvalidArgumentException.class,
            () -> TopicNames.validate("a.b"));

        assertEquals(ErrorCode.ILLEGAL_TOPIC, empty.errorCode());
        assertFalse(empty.retriable(), "an illegal name stays illegal");
        assertTrue(empty.getMessage().contains("topic is empty"), empty.getMessage());
        assertTrue(dot.getMessage().contains("topic=a.b") && dot.getMessage().contains("illegalChar='.'"),
            dot.getMessage());
    }
}

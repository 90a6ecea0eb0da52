package io.rocklet.api;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class TagFilterTest
{
    @Test
    void shouldAcceptEverythingWhenExpressionIsStarNullOrBlank()
    {
        for (final String expression : new String[] {"*", " * ", null, "", "   "})
        {
            final TagFilter filter = TagFilter.parse(expression);

            assertSame(TagFilter.ALL, filter, "expression=" + expression);
            assertTrue(filter.acceptsAll(), "expression=" + expression);
            assertTrue(filter.matches(""), "untagged message, expression=" + expression);
            assertTrue(filter.matches("any"), "tagged message, expression=" + expression);
            assertTrue(filter.matchesCode(0L), "untagged code, expression=" + expression);
            assertTrue(filter.matchesCode(TagFilter.tagCode("any")), "tagged code, expression=" + expression);
        }
    }

    @Test
    void shouldAcceptEverythingWhenOneAlternativeIsStar()
    {
        assertSame(TagFilter.ALL, TagFilter.parse("A || *"));
    }

    @Test
    void shouldMatchEachTagWhenExpressionJoinsTagsWithDoubleBar()
    {
        final TagFilter filter = TagFilter.parse(" A || B ");

        assertFalse(filter.acceptsAll(), "a tag list");
        assertEquals(Set.of("A", "B"), filter.tags());
        assertEquals("A || B", filter.expression());
        assertTrue(filter.matches("A"), "A");
        assertTrue(filter.matches("B"), "B");
        assertFalse(filter.matches("C"), "C");
        assertFalse(filter.matches(""), "untagged");
        assertTrue(filter.matchesCode(TagFilter.tagCode("A")), "code of A");
        assertTrue(filter.matchesCode(TagFilter.tagCode("B")), "code of B");
        assertFalse(filter.matchesCode(TagFilter.tagCode("C")), "code of C");
        assertFalse(filter.matchesCode(0L), "code of no tag");
    }

    @Test
    void shouldParseTagsWhenExpressionHasNoSpaces()
    {
        assertEquals(Set.of("A", "B", "C"), TagFilter.parse("A||B||C").tags());
        assertEquals(Set.of("A"), TagFilter.parse("A || A").tags());
    }

    @Test
    void shouldPassCollidingTagOnCodeButNotOnExactMatchWhenHashesCollide()
    {
        // "Aa" and "BB" have the same String.hashCode()
        final TagFilter filter = TagFilter.parse("Aa");

        assertEquals(TagFilter.tagCode("Aa"), TagFilter.tagCode("BB"), "test precondition: colliding tags");
        assertTrue(filter.matchesCode(TagFilter.tagCode("BB")), "broker-side check passes a collision");
        assertFalse(filter.matches("BB"), "the exact check rejects it");
    }

    @Test
    void shouldRejectExpressionWhenATagIsBlank()
    {
        for (final String expression : new String[] {"|| A", "A || || B", "A ||   || B", "A ||", "A || B ||", "||"})
        {
            final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> TagFilter.parse(expression), "expression=" + expression);

            assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
            assertTrue(e.getMessage().contains("empty tag"), e.getMessage());
        }
    }

    @Test
    void shouldGiveZeroCodeWhenTagIsEmptyOrNull()
    {
        assertEquals(0L, TagFilter.tagCode(""));
        assertEquals(0L, TagFilter.tagCode(null));
        assertEquals("TagA".hashCode(), TagFilter.tagCode("TagA"));
    }
}

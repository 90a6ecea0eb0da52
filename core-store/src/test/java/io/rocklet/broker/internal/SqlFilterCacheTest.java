package io.rocklet.broker.internal;

import io.rocklet.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SqlFilterCacheTest
{
    @Test
    void shouldReturnTheSameParsedFilterWhenAskedAgainForGroupTopicAndExpression()
    {
        final SqlFilterCache cache = new SqlFilterCache(16);

        final var first = cache.get("g", "t", "a = 1");

        assertSame(first, cache.get("g", "t", "a = 1"));
        assertNotSame(first, cache.get("g2", "t", "a = 1"));
        assertEquals(2, cache.size());
    }

    @Test
    void shouldStayBoundedWhenManyExpressionsArrive()
    {
        final SqlFilterCache cache = new SqlFilterCache(4);
        for (int i = 0; i < 100; i++)
        {
            cache.get("g", "t", "a = " + i);
        }
        assertEquals(true, cache.size() <= 4);
    }

    @Test
    void shouldNotCacheWhenExpressionIsMalformed()
    {
        final SqlFilterCache cache = new SqlFilterCache(4);
        assertThrows(InvalidArgumentException.class, () -> cache.get("g", "t", "a ="));
        assertEquals(0, cache.size());
    }
}

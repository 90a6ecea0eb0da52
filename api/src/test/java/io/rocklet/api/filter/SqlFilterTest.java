package io.rocklet.api.filter;

import io.rocklet.api.InvalidArgumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlFilterTest
{
    /** The message every row of the table is evaluated against ({@code missing} is not set). */
    private static final Map<String, String> MESSAGE = Map.of(
        "region", "eu",
        "amount", "150",
        "price", "9.5",
        "name", "it's",
        "flag", "true",
        "code", "007",
        "a.b_c", "x",
        "TAGS", "paid",
        "text", "50%_off");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // comparisons, string and numeric
        "region = 'eu'                         | true",
        "region = 'EU'                         | false",
        "region <> 'us'                        | true",
        "region != 'eu'                        | false",
        "'eu' = region                         | true",
        "amount > 100                          | true",
        "amount >= 150                         | true",
        "amount < 150                          | false",
        "amount <= 150.0                       | true",
        "amount = 150.0                        | true",
        "amount = 1.5e2                        | true",
        "price > 9                             | true",
        "price < -1                            | false",
        "amount > -200                         | true",
        "code = 7                              | true",
        "code = '7'                            | false",
        "code = '007'                          | true",
        "region > 10                           | false",
        "region < 'z'                          | false",
        "flag = TRUE                           | true",
        "flag = FALSE                          | false",
        "flag <> FALSE                         | true",
        "a.b_c = 'x'                           | true",
        "name = 'it''s'                        | true",
        "TAGS = 'paid'                         | true",
        // keywords are case-insensitive
        "region = 'eu' and amount > 100        | true",
        "region = 'eu' Or amount > 1000        | true",
        "not region = 'us'                     | true",
        // precedence: NOT > AND > OR, parentheses override
        "region = 'us' AND amount > 100 OR TRUE    | true",
        "region = 'us' AND (amount > 100 OR TRUE)  | false",
        "TRUE OR FALSE AND FALSE                   | true",
        "(TRUE OR FALSE) AND FALSE                 | false",
        "NOT FALSE AND FALSE                       | false",
        "NOT (FALSE AND FALSE)                     | true",
        // BETWEEN, IN, LIKE, IS NULL
        "amount BETWEEN 100 AND 200            | true",
        "amount BETWEEN 150 AND 150            | true",
        "amount NOT BETWEEN 100 AND 200        | false",
        "price BETWEEN 9.5 AND 10              | true",
        "region BETWEEN 1 AND 2                | false",
        "region IN ('us', 'eu')                | true",
        "region NOT IN ('us', 'eu')            | false",
        "region IN ('us')                      | false",
        "amount IN (100, 150)                  | true",
        "region LIKE 'e%'                      | true",
        "region LIKE '_u'                      | true",
        "region LIKE 'e'                       | false",
        "region NOT LIKE '%x%'                 | true",
        "name LIKE 'it''%'                     | true",
        "text LIKE '50\\%\\_off' ESCAPE '\\'   | true",
        "text LIKE '50\\%\\_of' ESCAPE '\\'    | false",
        "text LIKE '%!%!_%' ESCAPE '!'         | true",
        "region LIKE '%%%'                     | true",
        "missing IS NULL                       | true",
        "region IS NULL                        | false",
        "region IS NOT NULL                    | true",
        "missing IS NOT NULL                   | false",
        // NULL semantics: a comparison with a missing property is unknown, never matched, even negated
        "missing = 'x'                         | false",
        "missing <> 'x'                        | false",
        "NOT missing = 'x'                     | false",
        "missing > 1                           | false",
        "NOT missing > 1                       | false",
        "missing BETWEEN 1 AND 2               | false",
        "missing NOT BETWEEN 1 AND 2           | false",
        "missing IN ('x')                      | false",
        "missing NOT IN ('x')                  | false",
        "missing LIKE '%'                      | false",
        "missing NOT LIKE 'x'                  | false",
        "missing = 'x' OR region = 'eu'        | true",
        "missing = 'x' AND FALSE               | false",
        "NOT (missing = 'x' AND FALSE)         | true",
        "NOT (missing = 'x' OR FALSE)          | false",
        "TRUE                                  | true",
        "FALSE                                 | false",
    })
    void shouldEvaluateEachConstructWhenMatchedAgainstTheMessage(final String expression, final boolean expected)
    {
        assertEquals(expected, SqlFilter.parse(expression).matches(MESSAGE::get), expression);
    }

    @ParameterizedTest(name = "{0} -> position {1}")
    @CsvSource(delimiter = '|', value = {
        "''                             | 0",
        "region =                       | 8",
        "region = 'eu                   | 9",
        "region = 'eu' AND              | 17",
        "region == 'eu'                 | 8",
        "region 'eu'                    | 7",
        "(region = 'eu'                 | 14",
        "region = 'eu')                 | 13",
        "region IN ()                   | 11",
        "region IN ('a' 'b')            | 15",
        "region IN (other)              | 11",
        "region LIKE x                  | 12",
        "region LIKE 'a' ESCAPE 'ab'    | 23",
        "region LIKE 'a!' ESCAPE '!'    | 12",
        "amount BETWEEN 1 OR 2          | 17",
        "region IS 'x'                  | 10",
        "region # 1                     | 7",
        "amount > 12abc                 | 11",
        "amount > 1e                    | 9",
        "amount > 1.5.2                 | 12",
        "NOT                            | 3",
        "region NOT = 'x'               | 11",
        "region                         | 6",
        "AND region = 'x'               | 0",
    })
    void shouldNamePositionWhenExpressionIsMalformed(final String expression, final int position)
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> SqlFilter.parse(expression));
        assertTrue(e.getMessage().contains("position=" + position + ","), e.getMessage());
        assertTrue(e.getMessage().contains("expression=\"" + expression + "\""), e.getMessage());
    }

    @Test
    void shouldFailWhenNestedTooDeep()
    {
        final String deep = "(".repeat(SqlParser.MAX_DEPTH + 1) + "TRUE" + ")".repeat(SqlParser.MAX_DEPTH + 1);
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> SqlFilter.parse(deep));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
        assertTrue(SqlFilter.parse("(".repeat(20) + "TRUE" + ")".repeat(20)).matches(MESSAGE::get));
        assertThrows(InvalidArgumentException.class, () -> SqlFilter.parse("NOT ".repeat(1000) + "TRUE"));
    }

    @Test
    void shouldFailWhenExpressionIsNull()
    {
        assertThrows(InvalidArgumentException.class, () -> SqlFilter.parse(null));
    }

    @Test
    void shouldCompareLongBoundsWithoutOverflowWhenValuesAreExtreme()
    {
        final Map<String, String> fields = Map.of("max", String.valueOf(Long.MAX_VALUE), "min",
            String.valueOf(Long.MIN_VALUE), "big", "99999999999999999999");
        assertTrue(SqlFilter.parse("max = 9223372036854775807").matches(fields::get));
        assertTrue(SqlFilter.parse("min = -9223372036854775808").matches(fields::get));
        assertTrue(SqlFilter.parse("min < max").matches(fields::get));
        assertTrue(SqlFilter.parse("big > max").matches(fields::get));
        assertFalse(SqlFilter.parse("max > 9223372036854775807").matches(fields::get));
    }

    @Test
    void shouldMatchLikeWithoutBacktrackingBlowUpWhenPatternHasManyWildcards()
    {
        final String text = "a".repeat(10_000);
        final Map<String, String> fields = Map.of("t", text);
        assertFalse(SqlFilter.parse("t LIKE '" + "%a".repeat(50) + "b'").matches(fields::get));
        assertTrue(SqlFilter.parse("t LIKE '" + "%a".repeat(50) + "'").matches(fields::get));
    }
}

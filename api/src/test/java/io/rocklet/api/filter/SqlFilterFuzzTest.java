package io.rocklet.api.filter;

import io.rocklet.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * Random expressions from a grammar generator (valid and mutated) and random garbage: the parser either parses or
 * throws InvalidArgumentException, and evaluation never throws. Seeded; the seed is printed so a failure can be
 * replayed with {@code -Dsql.fuzz.seed=<seed>}.
 */
class SqlFilterFuzzTest
{
    private static final int CASES = 20_000;
    private static final String[] FIELDS = {"region", "amount", "price", "missing", "TAGS", "KEYS", "a.b"};
    private static final String[] LITERALS = {"'eu'", "'it''s'", "''", "100", "-5", "9.5", "1e3", "TRUE", "FALSE",
        "9223372036854775807"};
    private static final String[] COMPARISONS = {"=", "<>", "!=", "<", "<=", ">", ">="};
    private static final String ALPHABET = "abcXYZ019_.$'%()<>=!,+- \t\nANDORNOTINLIKE\\#@\"";
    private static final Map<String, String> MESSAGE = Map.of("region", "eu", "amount", "150", "price", "9.5",
        "TAGS", "paid", "a.b", "-5");

    @Test
    @Timeout(60)
    void shouldOnlyThrowInvalidArgumentWhenParsingRandomInput()
    {
        final long seed = Long.getLong("sql.fuzz.seed", System.nanoTime());
        System.out.println("SqlFilterFuzzTest seed=" + seed);
        final Random random = new Random(seed);
        int parsed = 0;
        for (int i = 0; i < CASES; i++)
        {
            final String input = switch (i % 3)
            {
                case 0 -> expression(random, 0);
                case 1 -> mutate(random, expression(random, 0));
                default -> garbage(random);
            };
            parsed += check(seed, input);
        }
        System.out.println("SqlFilterFuzzTest cases=" + CASES + ", parsed=" + parsed);
    }

    private static int check(final long seed, final String input)
    {
        final SqlFilter[] filter = new SqlFilter[1];
        assertDoesNotThrow(() ->
        {
            try
            {
                filter[0] = SqlFilter.parse(input);
            }
            catch (final InvalidArgumentException expected)
            {
                // malformed input: the only failure allowed
            }
        }, () -> "seed=" + seed + ", input=" + input);
        if (filter[0] == null)
        {
            return 0;
        }
        assertDoesNotThrow(() -> filter[0].matches(MESSAGE::get), () -> "seed=" + seed + ", input=" + input);
        return 1;
    }

    private static String expression(final Random random, final int depth)
    {
        final int choice = depth > 4 ? random.nextInt(6) : random.nextInt(10);
        return switch (choice)
        {
            case 0 -> operand(random) + " " + pick(random, COMPARISONS) + " " + operand(random);
            case 1 -> operand(random) + (random.nextBoolean() ? " NOT" : "") + " BETWEEN " + operand(random) +
                " AND " + operand(random);
            case 2 -> operand(random) + (random.nextBoolean() ? " NOT" : "") + " IN (" + pick(random, LITERALS) +
                (random.nextBoolean() ? ", " + pick(random, LITERALS) : "") + ")";
            case 3 -> operand(random) + (random.nextBoolean() ? " not" : "") + " LIKE '" +
                garbage(random).replace("'", "''") + "'" + (random.nextBoolean() ? " ESCAPE '\\'" : "");
            case 4 -> pick(random, FIELDS) + " IS" + (random.nextBoolean() ? " NOT" : "") + " NULL";
            case 5 -> random.nextBoolean() ? "TRUE" : "false";
            case 6 -> "(" + expression(random, depth + 1) + ")";
            case 7 -> "NOT " + expression(random, depth + 1);
            case 8 -> expression(random, depth + 1) + " AND " + expression(random, depth + 1);
            default -> expression(random, depth + 1) + " or " + expression(random, depth + 1);
        };
    }

    private static String operand(final Random random)
    {
        return random.nextBoolean() ? pick(random, FIELDS) : pick(random, LITERALS);
    }

    private static String mutate(final Random random, final String expression)
    {
        final StringBuilder text = new StringBuilder(expression);
        for (int edits = 1 + random.nextInt(3); edits > 0 && text.length() > 0; edits--)
        {
            final int at = random.nextInt(text.length());
            switch (random.nextInt(3))
            {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                default -> text.setCharAt(at, (char) random.nextInt(0x3000));
            }
        }
        return text.toString();
    }

    private static String garbage(final Random random)
    {
        final StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(40); n > 0; n--)
        {
            text.append(random.nextInt(8) == 0 ? (char) random.nextInt(0x10000) :
                ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    private static String pick(final Random random, final String[] values)
    {
        return values[random.nextInt(values.length)];
    }
}

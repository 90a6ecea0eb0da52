package io.rocklet.api.filter;

import java.util.List;

/**
 * A node of a parsed SQL92 filter: immutable, evaluated with SQL's three-valued logic against a message's fields.
 * A comparison involving a missing field is UNKNOWN; NOT UNKNOWN is UNKNOWN; a message matches only when the whole
 * expression is TRUE. Evaluation allocates nothing beyond what a field lookup does.
 */
sealed interface SqlNode
{
    byte FALSE = 0;
    byte TRUE = 1;
    byte UNKNOWN = 2;

    /**
     * @return {@link #TRUE}, {@link #FALSE} or {@link #UNKNOWN}.
     */
    byte evaluate(SqlFilter.Fields fields);

    static byte of(final boolean value)
    {
        return value ? TRUE : FALSE;
    }

    /** {@code TRUE} or {@code FALSE} on its own. */
    record Constant(boolean value) implements SqlNode
    {
        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            return of(value);
        }
    }

    record And(SqlNode left, SqlNode right) implements SqlNode
    {
        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            final byte l = left.evaluate(fields);
            if (l == FALSE)
            {
                return FALSE;
            }
            final byte r = right.evaluate(fields);
            return r == FALSE ? FALSE : l == TRUE && r == TRUE ? TRUE : UNKNOWN;
        }
    }

    record Or(SqlNode left, SqlNode right) implements SqlNode
    {
        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            final byte l = left.evaluate(fields);
            if (l == TRUE)
            {
                return TRUE;
            }
            final byte r = right.evaluate(fields);
            return r == TRUE ? TRUE : l == FALSE && r == FALSE ? FALSE : UNKNOWN;
        }
    }

    record Not(SqlNode operand) implements SqlNode
    {
        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            final byte v = operand.evaluate(fields);
            return v == UNKNOWN ? UNKNOWN : v == TRUE ? FALSE : TRUE;
        }
    }

    /**
     * @param operator one of {@code = <> < <= > >=} ({@code !=} is parsed as {@code <>}).
     */
    record Comparison(Operand left, String operator, Operand right) implements SqlNode
    {
        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            final String l = left.text(fields);
            final String r = right.text(fields);
            if (l == null || r == null)
            {
                return UNKNOWN;
            }
            if (operator.equals("="))
            {
                return of(SqlValues.equal(left, l, right, r));
            }
            if (operator.equals("<>"))
            {
                return of(!SqlValues.equal(left, l, right, r));
            }
            final int cmp = SqlValues.compare(left, l, right, r);
            if (cmp == SqlValues.INCOMPARABLE)
            {
                return UNKNOWN;
            }
            return of(switch (operator)
            {
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                default -> cmp >= 0;
            });
        }
    }

    /** {@code value BETWEEN low AND high} (numbers only, bounds included); NOT BETWEEN is a {@link Not} of it. */
    record Between(Operand value, Operand low, Operand high) implements SqlNode
    {
        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            final String v = value.text(fields);
            final String lo = low.text(fields);
            final String hi = high.text(fields);
            if (v == null || lo == null || hi == null)
            {
                return UNKNOWN;
            }
            final int aboveLow = SqlValues.compare(value, v, low, lo);
            final int belowHigh = SqlValues.compare(value, v, high, hi);
            if (aboveLow == SqlValues.INCOMPARABLE || belowHigh == SqlValues.INCOMPARABLE)
            {
                return UNKNOWN;
            }
            return of(aboveLow >= 0 && belowHigh <= 0);
        }
    }

    /** {@code value IN (a, b, ...)}; NOT IN is a {@link Not} of it. */
    record In(Operand value, List<Operand.Literal> candidates) implements SqlNode
    {
        public In
        {
            candidates = List.copyOf(candidates);
        }

        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            final String v = value.text(fields);
            if (v == null)
            {
                return UNKNOWN;
            }
            for (int i = 0; i < candidates.size(); i++)
            {
                final Operand.Literal candidate = candidates.get(i);
                if (SqlValues.equal(value, v, candidate, candidate.text()))
                {
                    return TRUE;
                }
            }
            return FALSE;
        }
    }

    /** {@code value LIKE pattern}; NOT LIKE is a {@link Not} of it. */
    record Like(Operand value, LikePattern pattern) implements SqlNode
    {
        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            final String v = value.text(fields);
            return v == null ? UNKNOWN : of(pattern.matches(v));
        }
    }

    /** {@code field IS NULL} (the message does not have it); IS NOT NULL is a {@link Not} of it. */
    record IsNull(Operand value) implements SqlNode
    {
        @Override
        public byte evaluate(final SqlFilter.Fields fields)
        {
            return of(value.text(fields) == null);
        }
    }
}

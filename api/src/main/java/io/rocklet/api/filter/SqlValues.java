package io.rocklet.api.filter;

/**
 * Comparison rules of the SQL92 filter, as RocketMQ's: two operands compare as numbers when both are numeric (a
 * numeric literal, or a field whose text parses as a number), as booleans when one is a boolean literal, and as
 * strings otherwise; ordering ({@code < <= > >=}, {@code BETWEEN}) is defined for numbers only. Stateless; parses
 * field text without allocating when it is an integer.
 */
final class SqlValues
{
    /** Returned by {@link #compare} when the operands are not both numbers. */
    static final int INCOMPARABLE = Integer.MIN_VALUE;

    private SqlValues()
    {
    }

    /**
     * @return true when the operands are equal by the rules above.
     */
    static boolean equal(final Operand left, final String leftText, final Operand right, final String rightText)
    {
        final int cmp = compare(left, leftText, right, rightText);
        if (cmp != INCOMPARABLE)
        {
            return cmp == 0;
        }
        if (isBoolean(left) || isBoolean(right))
        {
            return isBooleanText(leftText) && isBooleanText(rightText) && leftText.equalsIgnoreCase(rightText);
        }
        return leftText.equals(rightText);
    }

    /**
     * @return the sign of left - right when both are numbers, else {@link #INCOMPARABLE}.
     */
    static int compare(final Operand left, final String leftText, final Operand right, final String rightText)
    {
        if (!isNumeric(left, leftText) || !isNumeric(right, rightText))
        {
            return INCOMPARABLE;
        }
        final boolean leftLong = isIntegral(left, leftText);
        final boolean rightLong = isIntegral(right, rightText);
        if (leftLong && rightLong)
        {
            return Long.compare(longValue(left, leftText), longValue(right, rightText));
        }
        final double a = doubleValue(left, leftText);
        final double b = doubleValue(right, rightText);
        return a < b ? -1 : a > b ? 1 : 0;
    }

    private static boolean isBoolean(final Operand operand)
    {
        return operand instanceof Operand.Literal literal && literal.kind() == Operand.Literal.Kind.BOOLEAN;
    }

    private static boolean isBooleanText(final String text)
    {
        return "true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text);
    }

    private static boolean isNumeric(final Operand operand, final String text)
    {
        if (operand instanceof Operand.Literal literal)
        {
            return literal.kind() == Operand.Literal.Kind.NUMBER;
        }
        return isLong(text) || isDecimal(text);
    }

    private static boolean isIntegral(final Operand operand, final String text)
    {
        return operand instanceof Operand.Literal literal ? literal.integral() : isLong(text);
    }

    private static long longValue(final Operand operand, final String text)
    {
        return operand instanceof Operand.Literal literal ? literal.longValue() : Long.parseLong(text);
    }

    private static double doubleValue(final Operand operand, final String text)
    {
        return operand instanceof Operand.Literal literal ? literal.doubleValue() : Double.parseDouble(text);
    }

    /**
     * @return true when {@code text} is an optionally signed run of digits that fits a long.
     */
    static boolean isLong(final String text)
    {
        final int length = text.length();
        int i = length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        if (i == length || length - i > 19)
        {
            return false;
        }
        final long limit = text.charAt(0) == '-' ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long value = 0; // accumulated negatively, as Long.parseLong does
        for (; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return false;
            }
            final int digit = c - '0';
            if (value < limit / 10 || value * 10 < limit + digit)
            {
                return false;
            }
            value = value * 10 - digit;
        }
        return true;
    }

    /**
     * @return true when {@code text} is a finite decimal number: {@code [+-]digits[.digits][e[+-]digits]} (digits on
     * at least one side of the point).
     */
    static boolean isDecimal(final String text)
    {
        final int length = text.length();
        int i = length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        final int intStart = i;
        while (i < length && isDigit(text.charAt(i)))
        {
            i++;
        }
        boolean digits = i > intStart;
        if (i < length && text.charAt(i) == '.')
        {
            final int fracStart = ++i;
            while (i < length && isDigit(text.charAt(i)))
            {
                i++;
            }
            digits |= i > fracStart;
        }
        if (!digits)
        {
            return false;
        }
        if (i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E'))
        {
            i++;
            if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+'))
            {
                i++;
            }
            final int expStart = i;
            while (i < length && isDigit(text.charAt(i)))
            {
                i++;
            }
            if (i == expStart || i - expStart > 4)
            {
                return false;
            }
        }
        return i == length;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }
}

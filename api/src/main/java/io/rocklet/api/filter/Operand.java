package io.rocklet.api.filter;

/**
 * One side of a comparison: a literal (string, number or boolean, decoded once at parse time) or a field read from
 * the message (always text, or null when the message does not have it). Immutable.
 */
sealed interface Operand
{
    /**
     * @return the operand's text for this message, or null when it is a missing field.
     */
    String text(SqlFilter.Fields fields);

    /**
     * A field: a user property or a system field ({@code TAGS}, {@code KEYS}).
     *
     * @param name the field's name.
     */
    record Field(String name) implements Operand
    {
        @Override
        public String text(final SqlFilter.Fields fields)
        {
            return fields.get(name);
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    /**
     * A literal.
     *
     * @param kind       what it is.
     * @param text       the string's value, the number as written, or {@code true}/{@code false}.
     * @param integral   a number without fraction or exponent that fits a long.
     * @param longValue  its value when integral.
     * @param doubleValue its value when a number.
     */
    record Literal(Kind kind, String text, boolean integral, long longValue, double doubleValue) implements Operand
    {
        enum Kind
        {
            STRING, NUMBER, BOOLEAN
        }

        static Literal string(final String text)
        {
            return new Literal(Kind.STRING, text, false, 0, 0);
        }

        static Literal bool(final boolean value)
        {
            return new Literal(Kind.BOOLEAN, String.valueOf(value), false, 0, 0);
        }

        /**
         * @return the number {@code text} spells, or null when it is not one.
         */
        static Literal number(final String text)
        {
            if (SqlValues.isLong(text))
            {
                return new Literal(Kind.NUMBER, text, true, Long.parseLong(text), Long.parseLong(text));
            }
            if (SqlValues.isDecimal(text))
            {
                final double value = Double.parseDouble(text);
                return Double.isFinite(value) ? new Literal(Kind.NUMBER, text, false, 0, value) : null;
            }
            return null;
        }

        @Override
        public String text(final SqlFilter.Fields fields)
        {
            return text;
        }

        @Override
        public String toString()
        {
            return kind == Kind.STRING ? "'" + text.replace("'", "''") + "'" : text;
        }
    }
}

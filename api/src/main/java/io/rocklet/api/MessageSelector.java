package io.rocklet.api;

import io.rocklet.api.filter.SqlFilter;

import java.util.Objects;

/**
 * What a consumer takes from a topic: a tag expression ({@link #tag(String)}: {@code "*"}, {@code "A || B"}) or an
 * SQL92 expression over message properties ({@link #sql(String)}: {@code "region = 'eu' AND amount > 100"}; the tag
 * is the field {@code TAGS}). Both are checked on the broker, so non-matching messages are not sent, and again on
 * the client. The expression is parsed when the selector is made: a malformed one fails here with an
 * {@link InvalidArgumentException} naming it (and, for SQL, the character index of the error). Immutable.
 */
public final class MessageSelector
{
    /** How the expression is written. */
    public enum Type
    {
        TAG, SQL92
    }

    private static final MessageSelector ALL = new MessageSelector(Type.TAG, "*", TagFilter.ALL, null);

    private final Type type;
    private final String expression;
    private final TagFilter tagFilter;
    private final SqlFilter sqlFilter;

    private MessageSelector(final Type type, final String expression, final TagFilter tagFilter,
        final SqlFilter sqlFilter)
    {
        this.type = type;
        this.expression = expression;
        this.tagFilter = tagFilter;
        this.sqlFilter = sqlFilter;
    }

    /**
     * @return every message.
     */
    public static MessageSelector all()
    {
        return ALL;
    }

    /**
     * @param expression {@code "*"}, null or blank (all), or tags joined by {@code "||"}.
     */
    public static MessageSelector tag(final String expression)
    {
        final TagFilter filter = TagFilter.parse(expression);
        return filter.acceptsAll() ? ALL : new MessageSelector(Type.TAG, filter.expression(), filter, null);
    }

    /**
     * @param expression an SQL92 expression (see {@link SqlFilter}).
     */
    public static MessageSelector sql(final String expression)
    {
        return new MessageSelector(Type.SQL92, expression, TagFilter.ALL, SqlFilter.parse(expression));
    }

    /**
     * @param type       the expression's type; null means TAG.
     * @param expression the expression.
     * @return the selector, as decoded from a request.
     */
    public static MessageSelector of(final Type type, final String expression)
    {
        return type == Type.SQL92 ? sql(expression) : tag(expression);
    }

    public Type type()
    {
        return type;
    }

    public String expression()
    {
        return expression;
    }

    /**
     * @return the tag expression a pull carries: this one for TAG, {@code "*"} for SQL92.
     */
    public String tagExpression()
    {
        return type == Type.TAG ? expression : "*";
    }

    /**
     * @return the SQL92 expression a pull carries, or {@code ""} for TAG.
     */
    public String sqlExpression()
    {
        return type == Type.SQL92 ? expression : "";
    }

    public TagFilter tagFilter()
    {
        return tagFilter;
    }

    /**
     * @return the exact check: the tag for TAG, the whole expression for SQL92.
     */
    public boolean matches(final MessageView message)
    {
        // "*" is answered before reading the tag: a stored message decodes its tag on each call
        return sqlFilter != null ? sqlFilter.matches(message) : tagFilter == TagFilter.ALL ||
            tagFilter.matches(message.tag());
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof MessageSelector other && type == other.type && expression.equals(other.expression);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(type, expression);
    }

    /**
     * @return the expression, prefixed by {@code "SQL92:"} for SQL92 (as shown in group registrations).
     */
    @Override
    public String toString()
    {
        return type == Type.SQL92 ? "SQL92:" + expression : expression;
    }
}

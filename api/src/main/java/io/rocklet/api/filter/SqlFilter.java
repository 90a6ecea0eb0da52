package io.rocklet.api.filter;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageView;

import java.util.Map;

/**
 * A parsed SQL92 property filter (RocketMQ's subset, see {@link SqlParser} for the grammar), such as
 * {@code region = 'eu' AND amount > 100}. Fields are the message's user properties plus the system fields
 * {@value #TAGS} (the tag; missing when the message has none) and {@value #KEYS} (the keys joined by spaces; missing
 * when none). A comparison with a missing field is unknown, and a message matches only when the expression is true.
 * Immutable and thread-safe: parse once, evaluate on any thread.
 */
public final class SqlFilter
{
    /** The system field holding the message's tag. */
    public static final String TAGS = "TAGS";
    /** The system field holding the message's keys, joined by spaces. */
    public static final String KEYS = "KEYS";

    private final String expression;
    private final SqlNode root;

    private SqlFilter(final String expression, final SqlNode root)
    {
        this.expression = expression;
        this.root = root;
    }

    /**
     * Looks fields up by name; returns null when the message does not have the field.
     */
    @FunctionalInterface
    public interface Fields
    {
        String get(String name);
    }

    /**
     * @param expression the SQL92 expression.
     * @return the parsed filter.
     * @throws InvalidArgumentException naming the expression and the character index of the error.
     */
    public static SqlFilter parse(final String expression)
    {
        if (expression == null)
        {
            throw new InvalidArgumentException("illegal SQL92 expression: expression=null");
        }
        return new SqlFilter(expression, SqlParser.parse(expression));
    }

    /**
     * @return true when the expression is TRUE for a message with these fields.
     */
    public boolean matches(final Fields fields)
    {
        return root.evaluate(fields) == SqlNode.TRUE;
    }

    /**
     * @return true when the expression is TRUE for this message.
     */
    public boolean matches(final MessageView message)
    {
        final Map<String, String> properties = message.properties(); // decoded once, not per field
        return matches(name -> field(message, properties, name));
    }

    private static String field(final MessageView message, final Map<String, String> properties, final String name)
    {
        if (TAGS.equals(name))
        {
            final String tag = message.tag();
            return tag == null || tag.isEmpty() ? null : tag;
        }
        if (KEYS.equals(name))
        {
            return message.keys().isEmpty() ? null : String.join(" ", message.keys());
        }
        return properties.get(name);
    }

    public String expression()
    {
        return expression;
    }

    @Override
    public String toString()
    {
        return expression;
    }

    static InvalidArgumentException error(final String expression, final int position, final String reason)
    {
        return new InvalidArgumentException("illegal SQL92 expression: " + reason + ": position=" + position +
            ", expression=\"" + expression + "\"");
    }
}

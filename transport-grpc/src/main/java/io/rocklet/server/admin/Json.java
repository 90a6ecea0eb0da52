package io.rocklet.server.admin;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the Admin API's answers as JSON for {@code --json}: records become objects (one member per component, in
 * declaration order), collections arrays, maps objects (keys as strings), byte arrays base64 strings, durations
 * milliseconds, instants ISO-8601 strings, enums their names. Stateless.
 */
final class Json
{
    private Json()
    {
    }

    static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder(256);
        append(out, value);
        return out.toString();
    }

    private static void append(final StringBuilder out, final Object value)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Optional<?> optional)
        {
            append(out, optional.orElse(null));
        }
        else if (value instanceof Boolean || value instanceof Integer || value instanceof Long ||
            value instanceof Short || value instanceof Byte)
        {
            out.append(value);
        }
        else if (value instanceof Number number)
        {
            final double d = number.doubleValue();
            out.append(Double.isFinite(d) ? number.toString() : "null");
        }
        else if (value instanceof Duration duration)
        {
            out.append(duration.toMillis());
        }
        else if (value instanceof byte[] bytes)
        {
            string(out, Base64.getEncoder().encodeToString(bytes));
        }
        else if (value instanceof Collection<?> collection)
        {
            array(out, collection);
        }
        else if (value instanceof Map<?, ?> map)
        {
            object(out, map);
        }
        else if (value instanceof Record record)
        {
            record(out, record);
        }
        else if (value instanceof Enum<?> constant)
        {
            string(out, constant.name());
        }
        else if (value instanceof Instant instant)
        {
            string(out, instant.toString());
        }
        else
        {
            string(out, value.toString());
        }
    }

    private static void array(final StringBuilder out, final Collection<?> values)
    {
        out.append('[');
        boolean first = true;
        for (final Object element : values)
        {
            if (!first)
            {
                out.append(',');
            }
            first = false;
            append(out, element);
        }
        out.append(']');
    }

    private static void object(final StringBuilder out, final Map<?, ?> map)
    {
        out.append('{');
        boolean first = true;
        for (final Map.Entry<?, ?> entry : map.entrySet())
        {
            if (!first)
            {
                out.append(',');
            }
            first = false;
            string(out, String.valueOf(entry.getKey()));
            out.append(':');
            append(out, entry.getValue());
        }
        out.append('}');
    }

    private static void record(final StringBuilder out, final Record record)
    {
        out.append('{');
        boolean first = true;
        for (final RecordComponent component : record.getClass().getRecordComponents())
        {
            if (!first)
            {
                out.append(',');
            }
            first = false;
            string(out, component.getName());
            out.append(':');
            append(out, component(record, component));
        }
        out.append('}');
    }

    private static Object component(final Record record, final RecordComponent component)
    {
        try
        {
            final var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        }
        catch (final IllegalAccessException | InvocationTargetException e)
        {
            throw new IllegalStateException("cannot read " + record.getClass().getSimpleName() + "." +
                component.getName(), e);
        }
    }

    static void string(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

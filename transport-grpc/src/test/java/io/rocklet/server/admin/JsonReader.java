package io.rocklet.server.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the admin command line's JSON in tests: objects as maps, arrays as lists, numbers as Long or Double,
 * strings, booleans, null. Throws on anything that is not one whole JSON document.
 */
final class JsonReader
{
    private final String text;
    private int at;

    private JsonReader(final String text)
    {
        this.text = text;
    }

    static Object read(final String json)
    {
        final JsonReader reader = new JsonReader(json.strip());
        final Object value = reader.value();
        if (reader.at != reader.text.length())
        {
            throw new IllegalArgumentException("trailing text at " + reader.at + ": " + json);
        }
        return value;
    }

    private Object value()
    {
        final char c = text.charAt(at);
        return switch (c)
        {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        expect('{');
        if (text.charAt(at) == '}')
        {
            at++;
            return map;
        }
        while (true)
        {
            final String key = string();
            expect(':');
            map.put(key, value());
            if (text.charAt(at) == '}')
            {
                at++;
                return map;
            }
            expect(',');
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        expect('[');
        if (text.charAt(at) == ']')
        {
            at++;
            return list;
        }
        while (true)
        {
            list.add(value());
            if (text.charAt(at) == ']')
            {
                at++;
                return list;
            }
            expect(',');
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder out = new StringBuilder();
        while (true)
        {
            final char c = text.charAt(at++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            final char escaped = text.charAt(at++);
            switch (escaped)
            {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' ->
                {
                    out.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> out.append(escaped);
            }
        }
    }

    private Object number()
    {
        final int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
        final String number = text.substring(start, at);
        if (number.isEmpty())
        {
            throw new IllegalArgumentException("unexpected '" + text.charAt(at) + "' at " + at);
        }
        return number.matches("-?\\d+") ? (Object)Long.parseLong(number) : (Object)Double.parseDouble(number);
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, at))
        {
            throw new IllegalArgumentException("expected " + word + " at " + at);
        }
        at += word.length();
        return value;
    }

    private void expect(final char c)
    {
        if (text.charAt(at) != c)
        {
            throw new IllegalArgumentException("expected '" + c + "' at " + at + ", found '" + text.charAt(at) + "'");
        }
        at++;
    }
}

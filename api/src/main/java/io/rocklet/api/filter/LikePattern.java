package io.rocklet.api.filter;

import java.util.Arrays;

/**
 * A compiled {@code LIKE} pattern: {@code %} matches any run of characters, {@code _} exactly one; the optional
 * escape character makes the next {@code %}, {@code _} or itself literal. Matching backtracks to the last {@code %}
 * only (no regular expressions): at most text length x pattern length steps, never exponential. Immutable.
 */
final class LikePattern
{
    private static final char ANY_ONE = '_';
    private static final char ANY_RUN = '%';

    /** The pattern's characters. */
    private final char[] chars;
    /** True where {@link #chars} holds a wildcard (not an escaped literal). */
    private final boolean[] wildcard;
    private final String source;

    private LikePattern(final char[] chars, final boolean[] wildcard, final String source)
    {
        this.chars = chars;
        this.wildcard = wildcard;
        this.source = source;
    }

    /**
     * @param pattern  the pattern.
     * @param escape   the escape character, or null for none.
     * @param expression the whole filter expression and the pattern's position in it, for errors.
     */
    static LikePattern compile(final String pattern, final Character escape, final String expression,
        final int position)
    {
        final char[] chars = new char[pattern.length()];
        final boolean[] wildcard = new boolean[pattern.length()];
        int n = 0;
        for (int i = 0; i < pattern.length(); i++)
        {
            final char c = pattern.charAt(i);
            if (escape != null && c == escape)
            {
                if (i + 1 >= pattern.length())
                {
                    throw SqlFilter.error(expression, position, "LIKE pattern '" + pattern +
                        "' ends with its escape character");
                }
                chars[n++] = pattern.charAt(++i);
            }
            else
            {
                wildcard[n] = c == ANY_ONE || c == ANY_RUN;
                chars[n++] = c;
            }
        }
        return new LikePattern(Arrays.copyOf(chars, n), Arrays.copyOf(wildcard, n),
            escape == null ? pattern : pattern + "' ESCAPE '" + escape);
    }

    boolean matches(final String text)
    {
        int t = 0;
        int p = 0;
        int starP = -1;
        int starT = -1;
        while (t < text.length())
        {
            if (p < chars.length && wildcard[p] && chars[p] == ANY_RUN)
            {
                starP = p++;
                starT = t;
            }
            else if (p < chars.length && ((wildcard[p] && chars[p] == ANY_ONE) || (!wildcard[p] &&
                chars[p] == text.charAt(t))))
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }
        while (p < chars.length && wildcard[p] && chars[p] == ANY_RUN)
        {
            p++;
        }
        return p == chars.length;
    }

    @Override
    public String toString()
    {
        return source;
    }
}

package io.rocklet.api;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A tag subscription expression: {@code "*"} (every message) or tags joined by {@code "||"}, as in
 * {@code "TagA || TagB"}. Brokers filter by {@link #tagCode(String) tag code} (a hash, so a few
 * unwanted messages can pass); {@link #matches(String)} is the exact check clients apply after.
 */
public final class TagFilter
{
    /** Matches every message, with or without a tag. */
    public static final TagFilter ALL = new TagFilter("*", Set.of(), new long[0]);

    private final String expression;
    private final Set<String> tags;
    private final long[] sortedCodes;

    private TagFilter(final String expression, final Set<String> tags, final long[] sortedCodes)
    {
        this.expression = expression;
        this.tags = tags;
        this.sortedCodes = sortedCodes;
    }

    /**
     * @param expression {@code "*"}, empty/null (both meaning all), or tags joined by {@code "||"}.
     * @return the parsed filter.
     * @throws InvalidArgumentException when a tag in the expression is blank.
     */
    public static TagFilter parse(final String expression)
    {
        if (expression == null || expression.isBlank() || expression.trim().equals("*"))
        {
            return ALL;
        }
        final Set<String> tags = new LinkedHashSet<>();
        for (final String part : expression.split("\\|\\|", -1))
        {
            final String tag = part.trim();
            if (tag.isEmpty())
            {
                throw new InvalidArgumentException("illegal tag expression: expression=\"" + expression +
                    "\" has an empty tag");
            }
            if (tag.equals("*"))
            {
                return ALL;
            }
            tags.add(tag);
        }
        final long[] codes = tags.stream().mapToLong(TagFilter::tagCode).sorted().distinct().toArray();
        return new TagFilter(expression.trim(), Set.copyOf(tags), codes);
    }

    /**
     * @param tag a tag, or {@code ""} for none.
     * @return the code brokers index a tag by: 0 for no tag, else the tag's {@link String#hashCode()}.
     */
    public static long tagCode(final String tag)
    {
        return tag == null || tag.isEmpty() ? 0L : tag.hashCode();
    }

    /**
     * @return true when the filter accepts every message.
     */
    public boolean acceptsAll()
    {
        return sortedCodes.length == 0;
    }

    /**
     * The broker-side check. May accept a message whose tag only shares the code.
     *
     * @param tagCode the code of a stored message's tag.
     * @return true when the message may match.
     */
    public boolean matchesCode(final long tagCode)
    {
        return sortedCodes.length == 0 || Arrays.binarySearch(sortedCodes, tagCode) >= 0;
    }

    /**
     * The exact check.
     *
     * @param tag a message's tag, or {@code ""} for none.
     * @return true when the filter accepts the tag.
     */
    public boolean matches(final String tag)
    {
        return sortedCodes.length == 0 || tags.contains(tag == null ? "" : tag);
    }

    /**
     * @return the tags named by the expression; empty for {@link #ALL}.
     */
    public Set<String> tags()
    {
        return tags;
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
}

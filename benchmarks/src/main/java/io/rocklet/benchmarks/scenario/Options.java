package io.rocklet.benchmarks.scenario;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Small checks the scenario mains' command lines share; every mistake is an {@link IllegalArgumentException}
 * naming the option.
 */
public final class Options
{
    private Options()
    {
    }

    /**
     * @return {@code value} when it is at least {@code min}.
     * @throws IllegalArgumentException naming the option otherwise.
     */
    public static long atLeast(final String option, final long value, final long min)
    {
        if (value < min)
        {
            throw new IllegalArgumentException("option too small: option=" + option + ", value=" + value + ", min=" +
                min);
        }
        return value;
    }

    /**
     * @return {@code value} parsed as an int, when it is at least {@code min}.
     * @throws IllegalArgumentException naming the option otherwise.
     */
    public static int intAtLeast(final String option, final String value, final int min)
    {
        return (int) atLeast(option, Integer.parseInt(value), min);
    }

    /**
     * @param list  comma-separated group names.
     * @param known every group there is.
     * @return the groups named, in the order named.
     * @throws IllegalArgumentException naming a group that is not known.
     */
    public static Set<String> groups(final String list, final List<String> known)
    {
        final Set<String> groups = new LinkedHashSet<>();
        for (final String group : list.split(","))
        {
            final String name = group.trim();
            if (!known.contains(name))
            {
                throw new IllegalArgumentException("unknown group: group=" + name + ", known=" + known);
            }
            groups.add(name);
        }
        return groups;
    }

    /**
     * @return the value after the option at {@code index}.
     * @throws IllegalArgumentException when there is none.
     */
    public static String value(final String[] args, final int index)
    {
        if (index + 1 >= args.length)
        {
            throw new IllegalArgumentException("missing value: option=" + args[index]);
        }
        return args[index + 1];
    }
}

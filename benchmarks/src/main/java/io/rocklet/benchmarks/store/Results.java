package io.rocklet.benchmarks.store;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Prints figures as {@code RESULT <name> <value> <unit>} lines (the format every suite shares, see
 * DESIGN.md section 6) and remembers them so that later figures can be reported as ratios. Notes that
 * explain a figure are printed as lines starting with {@code #}. Used by the main thread only.
 */
public final class Results
{
    private final PrintStream out;
    private final Map<String, Double> values = new LinkedHashMap<>();

    public Results(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * Prints and records one figure.
     *
     * @param name  the figure's name, dotted ({@code store.append.128b.t1.async}).
     * @param value the value.
     * @param unit  the unit ({@code msgs/s}, {@code bytes}, {@code ms}, {@code s/GiB}, {@code ratio}, {@code B/op}).
     */
    public void report(final String name, final double value, final String unit)
    {
        values.put(name, value);
        out.println("RESULT " + name + " " + format(value) + " " + unit);
        out.flush();
    }

    /**
     * Prints a note (a line starting with {@code #}).
     */
    public void note(final String format, final Object... args)
    {
        out.println("# " + String.format(Locale.ROOT, format, args));
        out.flush();
    }

    /**
     * @return the value reported under {@code name}, if any.
     */
    public OptionalDouble value(final String name)
    {
        final Double value = values.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /**
     * @return {@code value} without decimals when it is whole or at least 100, with three decimals otherwise.
     */
    public static String format(final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return String.valueOf(value);
        }
        return Math.abs(value) >= 100 || value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) :
            String.format(Locale.ROOT, "%.3f", value);
    }
}

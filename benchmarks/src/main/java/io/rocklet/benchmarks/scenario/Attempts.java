package io.rocklet.benchmarks.scenario;

import io.rocklet.benchmarks.store.Results;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a suite's figures one after the other so that a failing figure is reported ({@code # FAILED ...} and the
 * log) while the others still run; notes the load average before each. Used by the main thread only.
 */
public final class Attempts
{
    private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);

    private final Results results;
    private final List<String> failures = new ArrayList<>();

    /** One figure or group of figures. */
    @FunctionalInterface
    public interface Scenario
    {
        void run() throws Exception;
    }

    public Attempts(final Results results)
    {
        this.results = results;
    }

    /**
     * Runs {@code scenario}; an exception marks {@code name} failed.
     */
    public void attempt(final String name, final Scenario scenario)
    {
        results.note("%s: load average %.2f on %d cores at start", name,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            Runtime.getRuntime().availableProcessors());
        try
        {
            scenario.run();
        }
        catch (final Exception e)
        {
            failures.add(name);
            results.note("FAILED %s: %s", name, e);
            LOG.error("scenario failed: name={}", name, e);
            if (e instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Notes the failed figures, if any.
     *
     * @return true when every figure was measured.
     */
    public boolean finish()
    {
        if (!failures.isEmpty())
        {
            results.note("FAILED figures: %s", String.join(", ", failures));
        }
        return failures.isEmpty();
    }
}

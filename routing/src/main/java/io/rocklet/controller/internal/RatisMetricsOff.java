package io.rocklet.controller.internal;

import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.apache.ratis.util.TimeDuration;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Ratis' metrics, switched off: Ratis loads its metric registries through {@link java.util.ServiceLoader} and fails
 * to start without an implementation (its default one, ratis-metrics-default, brings Dropwizard metrics). This one
 * (registered in {@code META-INF/services/org.apache.ratis.metrics.MetricRegistries}) keeps nothing: counters count
 * nowhere and timers time nothing. Rocklet's own metrics are not Ratis'. Stateless, thread-safe; public only for the
 * service loader.
 */
public final class RatisMetricsOff extends MetricRegistries
{
    private static final Timekeeper.Context STOPPED = () -> 0L;
    private static final Timekeeper TIMER = () -> STOPPED;
    private static final LongCounter COUNTER = new LongCounter()
    {
        @Override
        public void inc(final long n)
        {
        }

        @Override
        public void dec(final long n)
        {
        }

        @Override
        public long getCount()
        {
            return 0;
        }
    };

    @Override
    public void clear()
    {
    }

    @Override
    public RatisMetricRegistry create(final MetricRegistryInfo info)
    {
        return new RatisMetricRegistry()
        {
            @Override
            public Timekeeper timer(final String name)
            {
                return TIMER;
            }

            @Override
            public LongCounter counter(final String name)
            {
                return COUNTER;
            }

            @Override
            public boolean remove(final String name)
            {
                return false;
            }

            @Override
            public <T> void gauge(final String name, final Supplier<Supplier<T>> gauge)
            {
            }

            @Override
            public MetricRegistryInfo getMetricRegistryInfo()
            {
                return info;
            }
        };
    }

    @Override
    public boolean remove(final MetricRegistryInfo info)
    {
        return false;
    }

    @Override
    public Optional<RatisMetricRegistry> get(final MetricRegistryInfo info)
    {
        return Optional.empty();
    }

    @Override
    public Set<MetricRegistryInfo> getMetricRegistryInfos()
    {
        return Set.of();
    }

    @Override
    public Collection<RatisMetricRegistry> getMetricRegistries()
    {
        return List.of();
    }

    @Override
    public void addReporterRegistration(final Consumer<RatisMetricRegistry> start,
        final Consumer<RatisMetricRegistry> stop)
    {
    }

    @Override
    public void enableJmxReporter()
    {
    }

    @Override
    public void enableConsoleReporter(final TimeDuration period)
    {
    }
}

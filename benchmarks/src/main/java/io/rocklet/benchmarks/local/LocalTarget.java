package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.scenario.BenchSession;
import io.rocklet.benchmarks.scenario.BenchTarget;
import io.rocklet.embedded.EmbeddedRocklet;

/**
 * The embedded broker as the client scenarios' target: every session is a fresh
 * {@code EmbeddedRocklet.ephemeral()} (router, broker and client in this JVM, ASYNC flush) with the topic
 * {@link LocalBench#TOPIC} created and routable; closing the session closes the instance. Public for the gRPC
 * suite, whose catch-up ratio divides by the same catch-up run here.
 */
public final class LocalTarget implements BenchTarget
{
    /**
     * A target whose sessions are fresh embedded instances.
     */
    public LocalTarget()
    {
    }

    @Override
    public String name()
    {
        return "local";
    }

    @Override
    public BenchSession open(final String figure)
    {
        final EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral();
        try
        {
            LocalBench.createTopic(rocklet);
            return new BenchSession(rocklet.client(), LocalBench.TOPIC, LocalBench.storeSettings(rocklet),
                rocklet::close);
        }
        catch (final RuntimeException e)
        {
            rocklet.close();
            throw e;
        }
    }
}

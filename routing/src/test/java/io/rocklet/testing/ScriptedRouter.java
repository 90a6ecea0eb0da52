package io.rocklet.testing;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.RouterService;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a router for tests: counts route and cluster queries, and can fail (BROKER_UNAVAILABLE) or hang.
 */
public class ScriptedRouter implements RouterService
{
    /** How the router answers. */
    public enum Mode
    {
        ANSWER,
        FAIL,
        HANG
    }

    public final AtomicInteger routeQueries = new AtomicInteger();
    public final AtomicInteger clusterQueries = new AtomicInteger();
    private final RouterService delegate;
    private volatile Mode mode = Mode.ANSWER;

    public ScriptedRouter(final RouterService delegate)
    {
        this.delegate = delegate;
    }

    public ScriptedRouter mode(final Mode mode)
    {
        this.mode = mode;
        return this;
    }

    @Override
    public CompletableFuture<RegistrationResult> registerBroker(final BrokerRegistration registration)
    {
        return delegate.registerBroker(registration);
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(final BrokerIdentity broker)
    {
        return delegate.unregisterBroker(broker);
    }

    @Override
    public CompletableFuture<TopicRoute> queryRoute(final String topic)
    {
        routeQueries.incrementAndGet();
        return scripted(() -> delegate.queryRoute(topic));
    }

    @Override
    public CompletableFuture<ClusterInfo> clusterInfo()
    {
        clusterQueries.incrementAndGet();
        return scripted(delegate::clusterInfo);
    }

    @Override
    public CompletableFuture<List<RegisteredBroker>> registeredBrokers()
    {
        return scripted(delegate::registeredBrokers);
    }

    private <T> CompletableFuture<T> scripted(final java.util.function.Supplier<CompletableFuture<T>> answer)
    {
        return switch (mode)
        {
            case ANSWER -> answer.get();
            case FAIL -> CompletableFuture.failedFuture(new RockletException(ErrorCode.BROKER_UNAVAILABLE,
                "scripted router failure"));
            case HANG -> new CompletableFuture<>();
        };
    }
}

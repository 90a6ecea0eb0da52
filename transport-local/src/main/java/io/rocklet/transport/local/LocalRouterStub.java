package io.rocklet.transport.local;

import io.rocklet.api.spi.AccessService;
import io.rocklet.api.spi.RouterService;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static io.rocklet.transport.local.LocalTransport.call;

/**
 * A router reached by direct calls; the router is looked up on every call. A registration the router took is
 * reported to the transport, which tells the router when that broker stops being served.
 */
final class LocalRouterStub implements RouterService, AccessService.Delegating
{
    private final Supplier<RouterService> target;
    private final AccessService access;
    private final Consumer<BrokerIdentity> onRegistered;

    LocalRouterStub(final Supplier<RouterService> target, final Consumer<BrokerIdentity> onRegistered)
    {
        this.target = target;
        this.access = new LocalAccessStub(target);
        this.onRegistered = onRegistered;
    }

    @Override
    public CompletableFuture<RegistrationResult> registerBroker(final BrokerRegistration registration)
    {
        return call(() -> target.get().registerBroker(registration)).thenApply(result ->
        {
            onRegistered.accept(registration.broker());
            return result;
        });
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(final BrokerIdentity broker)
    {
        return call(() -> target.get().unregisterBroker(broker));
    }

    @Override
    public CompletableFuture<TopicRoute> queryRoute(final String topic)
    {
        return call(() -> target.get().queryRoute(topic));
    }

    @Override
    public CompletableFuture<ClusterInfo> clusterInfo()
    {
        return call(() -> target.get().clusterInfo());
    }

    @Override
    public CompletableFuture<List<RegisteredBroker>> registeredBrokers()
    {
        return call(() -> target.get().registeredBrokers());
    }

    // ---- users and policies

    @Override
    public AccessService accessService()
    {
        return access;
    }
}

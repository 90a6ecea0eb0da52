package io.rocklet.broker;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.RouterService;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A router that records what brokers tell it and answers nothing else.
 */
final class RecordingRouter implements RouterService
{
    final List<BrokerRegistration> registrations = new CopyOnWriteArrayList<>();
    final List<BrokerIdentity> unregistrations = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<RegistrationResult> registerBroker(final BrokerRegistration registration)
    {
        registrations.add(registration);
        return CompletableFuture.completedFuture(new RegistrationResult(""));
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(final BrokerIdentity broker)
    {
        unregistrations.add(broker);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<TopicRoute> queryRoute(final String topic)
    {
        return CompletableFuture.failedFuture(new RockletException(ErrorCode.TOPIC_NOT_FOUND, "recording router"));
    }

    @Override
    public CompletableFuture<ClusterInfo> clusterInfo()
    {
        return CompletableFuture.completedFuture(new ClusterInfo(Map.of(), Map.of()));
    }

    @Override
    public CompletableFuture<List<RegisteredBroker>> registeredBrokers()
    {
        return CompletableFuture.completedFuture(List.of());
    }

    BrokerRegistration last()
    {
        return registrations.get(registrations.size() - 1);
    }
}

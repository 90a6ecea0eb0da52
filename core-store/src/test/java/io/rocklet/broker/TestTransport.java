package io.rocklet.broker;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny in-memory transport for the broker's tests (core-store cannot depend on transport-local): services are
 * kept by address; router stubs look the router up on every call and fail with BROKER_UNAVAILABLE while nothing is
 * served there; broker stubs hand out the served broker itself.
 */
final class TestTransport implements Transport
{
    private final ConcurrentHashMap<String, RouterService> routers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BrokerService> brokers = new ConcurrentHashMap<>();

    @Override
    public RouterService router(final String address)
    {
        return new RouterService()
        {
            @Override
            public CompletableFuture<RegistrationResult> registerBroker(final BrokerRegistration registration)
            {
                return target(address).thenCompose(r -> r.registerBroker(registration));
            }

            @Override
            public CompletableFuture<Void> unregisterBroker(final BrokerIdentity broker)
            {
                return target(address).thenCompose(r -> r.unregisterBroker(broker));
            }

            @Override
            public CompletableFuture<TopicRoute> queryRoute(final String topic)
            {
                return target(address).thenCompose(r -> r.queryRoute(topic));
            }

            @Override
            public CompletableFuture<ClusterInfo> clusterInfo()
            {
                return target(address).thenCompose(RouterService::clusterInfo);
            }

            @Override
            public CompletableFuture<List<RegisteredBroker>> registeredBrokers()
            {
                return target(address).thenCompose(RouterService::registeredBrokers);
            }
        };
    }

    @Override
    public BrokerService broker(final String address)
    {
        final BrokerService broker = brokers.get(address);
        if (broker == null)
        {
            throw new RockletException(ErrorCode.BROKER_UNAVAILABLE, "nothing served at: address=" + address);
        }
        return broker;
    }

    @Override
    public Binding serve(final String address, final RouterService service)
    {
        return bind(routers, address, service);
    }

    @Override
    public Binding serve(final String address, final BrokerService service)
    {
        return bind(brokers, address, service);
    }

    /**
     * @return the addresses brokers are served at now.
     */
    List<String> servedBrokers()
    {
        return List.copyOf(brokers.keySet());
    }

    @Override
    public void close()
    {
        routers.clear();
        brokers.clear();
    }

    private CompletableFuture<RouterService> target(final String address)
    {
        final RouterService router = routers.get(address);
        return router != null ? CompletableFuture.completedFuture(router) : CompletableFuture.failedFuture(
            new RockletException(ErrorCode.BROKER_UNAVAILABLE, "nothing served at: address=" + address));
    }

    private static <S> Binding bind(final ConcurrentHashMap<String, S> services, final String address, final S service)
    {
        if (services.putIfAbsent(address, service) != null)
        {
            throw new InvalidArgumentException("address already served: address=" + address);
        }
        return new Binding()
        {
            @Override
            public String address()
            {
                return address;
            }

            @Override
            public void close()
            {
                services.remove(address, service);
            }
        };
    }
}

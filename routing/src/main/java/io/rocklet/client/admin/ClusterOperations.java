package io.rocklet.client.admin;

import io.rocklet.api.RockletException;
import io.rocklet.api.admin.BrokerState;
import io.rocklet.api.admin.ClusterStatus;
import io.rocklet.api.admin.RouterState;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.BrokerStatus;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.RegisteredBroker;
import io.rocklet.client.internal.Futures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster as the admin sees it: every configured router is asked which brokers it knows (in parallel), then
 * every broker for its state (in parallel); one that does not answer within the request timeout shows as
 * unreachable, with the error. Thread-safe (stateless).
 */
final class ClusterOperations
{
    private final AdminCalls calls;

    /** A broker as the routers know it: its latest registration and who holds one. */
    private static final class Known
    {
        private RegisteredBroker latest;
        private final TreeSet<String> routers = new TreeSet<>();
    }

    ClusterOperations(final AdminCalls calls)
    {
        this.calls = calls;
    }

    ClusterStatus status()
    {
        calls.checkOpen();
        final Map<String, CompletableFuture<List<RegisteredBroker>>> asked = new LinkedHashMap<>();
        for (final Map.Entry<String, RouterService> router : calls.context().routers().each().entrySet())
        {
            asked.put(router.getKey(), Futures.within(Futures.call(() -> router.getValue().registeredBrokers()),
                calls.timeoutNs(), () -> "registered brokers: router=" + router.getKey()));
        }
        final List<RouterState> routers = new ArrayList<>();
        final Map<String, Known> brokers = new TreeMap<>();
        asked.forEach((address, answer) ->
        {
            try
            {
                final List<RegisteredBroker> registered = Futures.await(answer, "registered brokers: router=" +
                    address);
                routers.add(new RouterState(address, true, registered.size(), ""));
                for (final RegisteredBroker broker : registered)
                {
                    final Known known = brokers.computeIfAbsent(key(broker.broker()), k -> new Known());
                    known.routers.add(address);
                    if (known.latest == null || broker.lastRegistrationMs() > known.latest.lastRegistrationMs())
                    {
                        known.latest = broker;
                    }
                }
            }
            catch (final RockletException e)
            {
                routers.add(new RouterState(address, false, 0, e.getMessage()));
            }
        });
        return new ClusterStatus(routers, brokerStates(brokers));
    }

    private List<BrokerState> brokerStates(final Map<String, Known> brokers)
    {
        final Map<String, CompletableFuture<BrokerStatus>> asked = new LinkedHashMap<>();
        brokers.forEach((key, known) -> asked.put(key, calls.call("broker status: address=" +
            known.latest.broker().address(), known.latest.broker().address(), BrokerService::status)));
        final List<BrokerState> states = new ArrayList<>(brokers.size());
        brokers.forEach((key, known) ->
        {
            final BrokerIdentity id = known.latest.broker();
            final List<String> routers = List.copyOf(known.routers);
            final long heartbeatMs = known.latest.lastRegistrationMs();
            try
            {
                final BrokerStatus status = Futures.await(asked.get(key), "broker status: address=" + id.address());
                states.add(new BrokerState(id.clusterName(), id.brokerName(), id.brokerId(), id.address(),
                    heartbeatMs, routers, true, status.startedMs(), status.topicCount(), status.groupCount(),
                    status.clientCount(), status.writable(), "", status.timedPending(), status.levelPending(),
                    status.replicationLagBytes(), status.replicationLagMs(), status.truncatedBytes(),
                    status.truncatedMessages()));
            }
            catch (final RockletException e)
            {
                states.add(new BrokerState(id.clusterName(), id.brokerName(), id.brokerId(), id.address(),
                    heartbeatMs, routers, false, -1, -1, -1, -1, false, e.getMessage()));
            }
        });
        return states;
    }

    /**
     * @return a key sorting brokers by name, then id.
     */
    private static String key(final BrokerIdentity broker)
    {
        return broker.brokerName() + '\u0000' + String.format("%020d", broker.brokerId());
    }
}

package io.rocklet.client.internal;

import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The groups a client belongs to, and the heartbeats and unregistrations that tell brokers about them.
 * A heartbeat carries every consumer registration and producer group of the client; it goes to every
 * member of every known replica set when the client has consumers (slaves serve reads), to masters only
 * otherwise, and nowhere when the client has no groups. Failures are logged, not reported: the next
 * heartbeat repairs them. Thread-safe (concurrent maps; sends never block).
 */
final class Heartbeats
{
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final String clientId;
    private final long timeoutNs;
    private final Function<String, BrokerService> stubs;
    private final Supplier<Collection<BrokerRoute>> knownBrokers;
    private final ConcurrentHashMap<String, ConsumerRegistration> consumers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> producers = new ConcurrentHashMap<>();

    /**
     * @param stubs        broker stub by address.
     * @param knownBrokers the replica sets to heartbeat.
     */
    Heartbeats(final String clientId, final long timeoutNs, final Function<String, BrokerService> stubs,
        final Supplier<Collection<BrokerRoute>> knownBrokers)
    {
        this.clientId = clientId;
        this.timeoutNs = timeoutNs;
        this.stubs = stubs;
        this.knownBrokers = knownBrokers;
    }

    /**
     * @return what a heartbeat sent now carries: consumers and producer groups sorted by group.
     */
    ClientHeartbeat heartbeat()
    {
        final List<ConsumerRegistration> registrations = new ArrayList<>(consumers.values());
        registrations.sort(Comparator.comparing(ConsumerRegistration::group));
        final List<String> groups = new ArrayList<>(producers.keySet());
        groups.sort(Comparator.naturalOrder());
        return new ClientHeartbeat(clientId, registrations, groups);
    }

    CompletableFuture<Void> registerConsumer(final ConsumerRegistration registration)
    {
        consumers.put(registration.group(), registration);
        return sendToAll();
    }

    CompletableFuture<Void> unregisterConsumer(final String group)
    {
        consumers.remove(group);
        return unregisterEverywhere(group);
    }

    /**
     * Counts producers per group: the group stays in heartbeats until its last producer unregisters.
     */
    void registerProducer(final String group)
    {
        if (producers.merge(group, 1, Integer::sum) == 1)
        {
            sendToAll();
        }
    }

    void unregisterProducer(final String group)
    {
        final Integer left = producers.computeIfPresent(group, (name, count) -> count == 1 ? null : count - 1);
        if (left == null)
        {
            unregisterEverywhere(group);
        }
    }

    CompletableFuture<Void> sendToAll()
    {
        return send(knownBrokers.get());
    }

    /**
     * Heartbeats the given replica sets now; completes when every broker answered or failed.
     */
    CompletableFuture<Void> send(final Collection<BrokerRoute> targets)
    {
        final ClientHeartbeat heartbeat = heartbeat();
        if (heartbeat.consumers().isEmpty() && heartbeat.producerGroups().isEmpty())
        {
            return CompletableFuture.completedFuture(null);
        }
        final boolean slavesToo = !heartbeat.consumers().isEmpty();
        final List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (final BrokerRoute broker : targets)
        {
            for (final Map.Entry<Long, String> member : broker.addresses().entrySet())
            {
                if (member.getKey() != 0L && !slavesToo)
                {
                    continue;
                }
                final String address = member.getValue();
                calls.add(Futures.within(Futures.call(() -> stubs.apply(address).heartbeat(heartbeat)), timeoutNs,
                    () -> "heartbeat: clientId=" + clientId + ", address=" + address).handle((ignored, error) ->
                    {
                        if (error != null)
                        {
                            LOG.warn("heartbeat failed: clientId={}, brokerName={}, address={}, error={}", clientId,
                                broker.brokerName(), address, Futures.unwrap(error).getMessage());
                        }
                        return null;
                    }));
            }
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    /**
     * Removes the client from {@code group} on every member of every known replica set.
     */
    private CompletableFuture<Void> unregisterEverywhere(final String group)
    {
        final List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (final BrokerRoute broker : knownBrokers.get())
        {
            for (final String address : broker.addresses().values())
            {
                calls.add(Futures.within(Futures.call(() -> stubs.apply(address).unregisterClient(clientId, group)),
                    timeoutNs, () -> "unregister client: clientId=" + clientId + ", group=" + group + ", address=" +
                    address).handle((ignored, error) ->
                    {
                        if (error != null)
                        {
                            LOG.debug("unregister failed: clientId={}, group={}, address={}, error={}", clientId,
                                group, address, Futures.unwrap(error).getMessage());
                        }
                        return null;
                    }));
            }
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }
}

package io.rocklet.cluster;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Two routers and two broker groups ({@code broker-a}, {@code broker-b}, masters with SYNC flush), each in a JVM of
 * its own ({@link ServerProcess}), on 127.0.0.1 with ports the system chose; and, in the test's JVM, an admin client
 * over gRPC to create topics. Clients in other JVMs are started with {@link #producer} and {@link #consumer}, and
 * killed by {@link #close()} if the test left them running.
 */
final class MultiJvmCluster implements AutoCloseable
{
    static final List<String> BROKERS = List.of("broker-a", "broker-b");
    static final Duration WAIT = Duration.ofSeconds(60);

    private final Path directory;
    private final List<ServerProcess> routers = new ArrayList<>();
    private final Map<String, ServerProcess> brokers = new LinkedHashMap<>();
    private final List<ClientProcess> clients = new ArrayList<>();
    private final Credentials admin;
    private GrpcTransport transport;
    private RockletClient adminClient;

    private MultiJvmCluster(final Path directory, final Credentials admin)
    {
        this.directory = directory;
        this.admin = admin;
    }

    /**
     * Starts the routers, then the brokers (in parallel), and waits until every router knows every broker.
     *
     * @param brokerOptions more options for both brokers, e.g. {@code --delay-levels 1s,1s,1s}.
     */
    static MultiJvmCluster start(final Path directory, final String... brokerOptions)
    {
        return start(directory, null, null, brokerOptions);
    }

    /**
     * Starts a cluster whose routers and brokers enforce the rules in {@code rules} ({@code --auth}); the test's own
     * calls (topic creation, route checks) are signed with {@code admin}.
     *
     * @param rules the rules file, or null for none ({@code --no-auth}).
     */
    static MultiJvmCluster start(final Path directory, final Path rules, final Credentials admin,
        final String... brokerOptions)
    {
        final MultiJvmCluster cluster = new MultiJvmCluster(directory, admin);
        final List<String> auth = rules == null ? List.of("--no-auth") : List.of("--auth", rules.toString());
        final List<String> options = new ArrayList<>(List.of(brokerOptions));
        options.addAll(auth);
        try
        {
            cluster.routers.add(ServerProcess.router("router-1", directory, auth));
            cluster.routers.add(ServerProcess.router("router-2", directory, auth));
            cluster.routers.forEach(ServerProcess::awaitReady);
            for (final String name : BROKERS)
            {
                cluster.brokers.put(name, ServerProcess.broker(name, cluster.routers(),
                    directory.resolve(name + "-data"), directory, options.toArray(String[]::new)));
            }
            cluster.brokers.values().forEach(ServerProcess::awaitReady);
            cluster.transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
                .executorThreads(2).build());
            cluster.adminClient = RockletClients.create(ClientConfig.builder()
                .routers(cluster.routers.stream().map(ServerProcess::address).toList())
                .instanceName("test-admin").credentials(admin).build(), cluster.transport);
            cluster.awaitRegistered(cluster.routers);
            return cluster;
        }
        catch (final RuntimeException | Error e)
        {
            cluster.close();
            throw e;
        }
    }

    /**
     * @return the routers as the clients' and brokers' {@code --routers} take them: {@code host:port,host:port}.
     */
    String routers()
    {
        return routers.stream().map(ServerProcess::hostAndPort).collect(Collectors.joining(","));
    }

    ServerProcess router(final int index)
    {
        return routers.get(index);
    }

    ServerProcess broker(final String name)
    {
        return brokers.get(name);
    }

    /**
     * @return the transport the test's own calls use.
     */
    GrpcTransport transport()
    {
        return transport;
    }

    Admin admin()
    {
        return adminClient.admin();
    }

    /**
     * @return the test JVM's client of the cluster (gRPC), closed with it.
     */
    RockletClient client()
    {
        return adminClient;
    }

    /**
     * Creates {@code topic} with {@code queues} queues on each broker and waits until both routers route it.
     */
    void createTopic(final String topic, final int queues)
    {
        admin().createTopic(TopicConfig.of(topic, queues));
        for (final ServerProcess router : routers)
        {
            if (router.alive())
            {
                Await.until(WAIT, () -> routedByBoth(router, topic), () -> router.name() + " has no route to " +
                    topic + " on both brokers" + serverLogs());
            }
        }
    }

    /**
     * Waits until every router of {@code which} lists every broker at its current address.
     */
    void awaitRegistered(final List<ServerProcess> which)
    {
        for (final ServerProcess router : which)
        {
            Await.until(WAIT, () -> knowsBrokers(router), () -> router.name() + " does not list every broker: " +
                brokerAddresses(router) + serverLogs());
        }
    }

    /**
     * Starts a producer JVM (see {@link ClientProcess#producer}); killed by {@link #close()} if still running.
     */
    ClientProcess producer(final String name, final String topic, final String... options)
    {
        return track(ClientProcess.producer(name, routers(), topic, directory, options));
    }

    /**
     * Starts a transactional producer JVM (see {@link ClientProcess#transactionProducer}); killed by
     * {@link #close()} if still running.
     */
    ClientProcess transactionProducer(final String name, final String topic, final String... options)
    {
        return track(ClientProcess.transactionProducer(name, routers(), topic, directory, options));
    }

    /**
     * Starts a consumer JVM (see {@link ClientProcess#consumer}); killed by {@link #close()} if still running.
     */
    ClientProcess consumer(final String name, final String topic, final String group, final String... options)
    {
        return track(ClientProcess.consumer(name, routers(), topic, group, directory, options));
    }

    /**
     * Kills the client JVMs still running (those of a failed test).
     */
    void killClients()
    {
        clients.forEach(ClientProcess::close);
        clients.clear();
    }

    /**
     * Stops the brokers, then the routers, with SIGTERM (each must exit 0), after killing any client still running;
     * kills whatever does not stop. Idempotent.
     */
    @Override
    public void close()
    {
        killClients();
        if (adminClient != null)
        {
            adminClient.close();
            transport.close();
            adminClient = null;
        }
        final List<ServerProcess> servers = new ArrayList<>(brokers.values());
        servers.addAll(routers);
        try
        {
            stopAll(brokers.values()); // first, so that they unregister from the routers
            stopAll(routers);
        }
        finally
        {
            servers.forEach(ServerProcess::close);
        }
    }

    private static void stopAll(final Collection<ServerProcess> servers)
    {
        final List<ServerProcess> running = servers.stream().filter(ServerProcess::alive).toList();
        running.forEach(ServerProcess::terminate);
        running.forEach(ServerProcess::awaitStopped);
    }

    private ClientProcess track(final ClientProcess client)
    {
        clients.add(client);
        return client;
    }

    private String serverLogs()
    {
        final StringBuilder logs = new StringBuilder();
        routers.forEach(router -> logs.append(router.describe()));
        brokers.values().forEach(broker -> logs.append(broker.describe()));
        return logs.toString();
    }

    private boolean knowsBrokers(final ServerProcess router)
    {
        final Map<String, String> known = brokerAddresses(router);
        return brokers.values().stream().allMatch(broker -> broker.address().equals(known.get(broker.name())));
    }

    private Map<String, String> brokerAddresses(final ServerProcess router)
    {
        try
        {
            final Map<String, String> addresses = new LinkedHashMap<>();
            for (final BrokerRoute route : transport.router(router.address(), admin).clusterInfo().get(5, TimeUnit.SECONDS)
                .brokers().values())
            {
                addresses.put(route.brokerName(), route.masterAddress());
            }
            return addresses;
        }
        catch (final Exception e)
        {
            return Map.of("error", e.toString());
        }
    }

    private boolean routedByBoth(final ServerProcess router, final String topic)
    {
        try
        {
            return transport.router(router.address(), admin).queryRoute(topic).get(5, TimeUnit.SECONDS).queues().size() ==
                BROKERS.size();
        }
        catch (final Exception e)
        {
            return false;
        }
    }
}

package io.rocklet.cluster;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.BrokerState;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The failover figure of {@code benchmarks/run.sh ha} ({@code ha.failover_ms}), on the multi-JVM harness of this
 * package: a router JVM, three failover controller JVMs (one Raft group), a replica set of three broker JVMs (SYNC
 * replication, SYNC flush, 64 MiB segments) and a producer JVM sending {@code rate} messages a second with a timeline of every send;
 * the master is killed with SIGKILL mid-stream and {@link Failover#measure} reads the timeline. Public so that the
 * benchmarks module (which depends on this module's test jar) runs the very harness the tests run.
 */
public final class ReplicaSetFailover
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "replicated";
    /** Small commit-log files: three brokers on one machine each map (and preallocate) a segment at start. */
    private static final String SEGMENT_SIZE = "64m";

    /**
     * What one run measured.
     *
     * @param failoverMs from the SIGKILL of the master to the end of the first acknowledged send started after it.
     * @param newMaster  the promoted replica's address.
     * @param detail     the whole {@link Failover} reading, for the log.
     */
    public record Outcome(long failoverMs, String newMaster, String detail)
    {
    }

    private final Path directory;
    private final int rate;
    private final String heartbeatTimeout;

    /**
     * @param directory        data directories and the child JVMs' logs go under it.
     * @param rate             the producer's sends per second.
     * @param heartbeatTimeout the controllers' {@code --heartbeat-timeout}, e.g. {@code 2s}.
     */
    public ReplicaSetFailover(final Path directory, final int rate, final String heartbeatTimeout)
    {
        this.directory = directory;
        this.rate = rate;
        this.heartbeatTimeout = heartbeatTimeout;
    }

    /**
     * Starts the cluster, kills its master once the producer sent {@code 2 * rate} messages, and measures until the
     * producer acknowledged {@code rate} more; stops every child JVM.
     *
     * @throws AssertionError when a step does not happen in time (the child logs' tails in the message).
     */
    public Outcome run()
    {
        final List<ServerProcess> servers = new ArrayList<>();
        final List<ClientProcess> clients = new ArrayList<>();
        try (GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
            .executorThreads(2).build()))
        {
            final ServerProcess router = track(servers, ServerProcess.router("router-1", directory)).awaitReady();
            final String controllers = startControllers(servers).stream().map(ServerProcess::hostAndPort)
                .collect(Collectors.joining(","));
            final List<ServerProcess> replicas = new ArrayList<>();
            for (int id = 1; id <= 3; id++)
            {
                replicas.add(track(servers, ServerProcess.replica("rs-" + id, "rs", id, router.hostAndPort(),
                    controllers, directory.resolve("rs-" + id + "-data"), directory, "--replication", "sync", "--segment-size",
                    SEGMENT_SIZE)));
            }
            replicas.forEach(ServerProcess::awaitReady);
            try (RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address())
                .build(), transport))
            {
                final Admin admin = client.admin();
                Await.until(WAIT, () -> members(admin).size() == 3 && master(admin).isPresent(),
                    () -> "three replicas registered, one master: " + members(admin));
                Await.until(WAIT, () -> tryCreate(admin), () -> "topic created on the master");
                final Path timeline = directory.resolve("failover-producer.timeline");
                final ClientProcess producer = track(clients, ClientProcess.producer("failover-producer",
                    router.hostAndPort(), TOPIC, directory, "--rate", Integer.toString(rate), "--timeline",
                    timeline.toString()));
                producer.awaitReady();
                producer.awaitProgress(counts -> counts.getOrDefault("ok", 0L) >= 2L * rate, WAIT, "sends before");

                final String masterAddress = master(admin).orElseThrow().address();
                final ServerProcess master = replicas.stream().filter(r -> r.address().equals(masterAddress))
                    .findFirst().orElseThrow();
                final long okAtKill = producer.progress("ok");
                final long killedAtMs = System.currentTimeMillis();
                master.kill9();
                final long goneAtMs = System.currentTimeMillis();
                producer.awaitProgress(counts -> counts.get("ok") >= okAtKill + rate, WAIT, "sends after the kill");
                final String newMaster = master(admin).map(BrokerState::address).orElse("none");
                producer.stop();
                final Failover failover = Failover.measure(Files.readAllLines(timeline), killedAtMs, goneAtMs, 0);
                return new Outcome(failover.firstOkAfterKillMs(), newMaster, failover.toString());
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("failover run failed: directory=" + directory, e);
        }
        finally
        {
            clients.forEach(ClientProcess::close);
            servers.forEach(ServerProcess::close);
        }
    }

    /** Three controllers in one Raft group: each is given every peer (the option overrides its own-only default). */
    private List<ServerProcess> startControllers(final List<ServerProcess> servers) throws IOException
    {
        final List<String> names = List.of("c1", "c2", "c3");
        final List<Integer> raftPorts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++)
        {
            raftPorts.add(freePort());
        }
        final String peers = names.stream().map(n -> n + "=127.0.0.1:" + raftPorts.get(names.indexOf(n)))
            .collect(Collectors.joining(","));
        final List<ServerProcess> controllers = new ArrayList<>();
        for (int i = 0; i < names.size(); i++)
        {
            controllers.add(track(servers, ServerProcess.controller(names.get(i), raftPorts.get(i),
                directory.resolve(names.get(i) + "-data"), directory, "--controller-peers", peers,
                "--heartbeat-timeout", heartbeatTimeout)));
        }
        controllers.forEach(ServerProcess::awaitReady);
        return controllers;
    }

    static List<BrokerState> members(final Admin admin)
    {
        return admin.clusterStatus().brokers().stream().filter(b -> b.brokerName().equals("rs")).toList();
    }

    static Optional<BrokerState> master(final Admin admin)
    {
        return members(admin).stream().filter(b -> b.brokerId() == 0 && b.reachable()).findFirst();
    }

    private static boolean tryCreate(final Admin admin)
    {
        try
        {
            admin.createTopic(TopicConfig.of(TOPIC, 4));
            return true;
        }
        catch (final RuntimeException e)
        {
            return false;
        }
    }

    private static <T> T track(final List<T> all, final T one)
    {
        all.add(one);
        return one;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}

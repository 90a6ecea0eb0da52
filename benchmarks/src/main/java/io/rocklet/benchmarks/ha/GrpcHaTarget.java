package io.rocklet.benchmarks.ha;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.benchmarks.scenario.BenchSession;
import io.rocklet.benchmarks.scenario.BenchTarget;
import io.rocklet.client.RockletClients;
import io.rocklet.server.RockletServer;
import io.rocklet.server.ServerOptions;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A replica set served over gRPC on loopback, all in this JVM: a router, a master and (unless replication is off) a
 * static slave, each a standalone {@link RockletServer} (plaintext, ASYNC flush, default 1 GiB segments, the slave
 * fetching from the master through the gRPC transport as between machines), and a client on a gRPC transport of its
 * own. One session per figure; closing it closes everything.
 */
final class GrpcHaTarget implements BenchTarget
{
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final Path baseDirectory;
    private final boolean withSlave;

    /**
     * @param withSlave false for the figure without replication (a master alone, ASYNC: nothing waits).
     */
    GrpcHaTarget(final Path baseDirectory, final boolean withSlave)
    {
        this.baseDirectory = baseDirectory;
        this.withSlave = withSlave;
    }

    @Override
    public String name()
    {
        return "ha.grpc";
    }

    @Override
    public BenchSession open(final String figure)
    {
        final List<AutoCloseable> opened = new ArrayList<>();
        try
        {
            final Path directory = Files.createTempDirectory(baseDirectory, "ha-grpc-");
            opened.add(() -> io.rocklet.benchmarks.store.BenchDirectory.delete(directory)); // after the brokers closed
            final RockletServer router = server(opened, "router", "--host", "127.0.0.1", "--port", "0",
                "--plaintext", "--no-auth");
            final String routers = hostAndPort(router);
            final RockletServer master = server(opened, "broker", "--name", "ha", "--id", "0", "--routers", routers,
                "--data", directory.resolve("master").toString(), "--flush", "async", "--host", "127.0.0.1", "--port",
                "0", "--plaintext", "--no-auth", "--replication", withSlave ? "sync" : "async");
            if (withSlave)
            {
                server(opened, "broker", "--name", "ha", "--id", "1", "--routers", routers, "--data",
                    directory.resolve("slave").toString(), "--flush", "async", "--host", "127.0.0.1", "--port", "0",
                    "--plaintext", "--no-auth", "--master", hostAndPort(master));
            }
            final GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().build());
            opened.add(transport);
            final RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address())
                .build(), transport);
            opened.add(client);
            awaitRegistered(client); // the master registers a moment after it serves
            client.admin().createTopic(TopicConfig.of(HaTarget.TOPIC, BenchSession.QUEUES));
            awaitAcknowledgedSend(client);
            final String description = "replication=" + (withSlave ? "SYNC" : "none") + ", master and " +
                (withSlave ? "one slave" : "no slave") + " as gRPC servers in one JVM on loopback (plaintext), " +
                "flush=ASYNC, dir=" + directory;
            return new BenchSession(client, HaTarget.TOPIC, description, () -> HaTarget.closeAll(opened));
        }
        catch (final IOException e)
        {
            HaTarget.closeAll(opened);
            throw new UncheckedIOException(e);
        }
        catch (final RuntimeException e)
        {
            HaTarget.closeAll(opened);
            throw e;
        }
    }

    private static void awaitRegistered(final RockletClient client)
    {
        final long deadlineNs = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (client.admin().clusterStatus().brokers().isEmpty())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("the master did not register with the router within 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static RockletServer server(final List<AutoCloseable> opened, final String... args)
    {
        final RockletServer server = RockletServer.start(ServerOptions.parse(args));
        opened.add(server);
        return server;
    }

    private static String hostAndPort(final RockletServer server)
    {
        return server.address().substring("grpc://".length());
    }

    /** Until the route is served and (SYNC) the slave is in sync: a send answered OK. */
    private static void awaitAcknowledgedSend(final RockletClient client)
    {
        final long deadline = System.nanoTime() + READY_TIMEOUT_NS;
        try (Producer producer = client.newProducer(ProducerConfig.builder("bench-ha-probe").build()))
        {
            while (true)
            {
                try
                {
                    producer.send(Message.of(HaTarget.TOPIC, "probe".getBytes(StandardCharsets.UTF_8)));
                    return;
                }
                catch (final RockletException e)
                {
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw new IllegalStateException("no acknowledged send 30 s after start", e);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
        }
    }
}

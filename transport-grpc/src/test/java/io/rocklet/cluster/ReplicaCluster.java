package io.rocklet.cluster;

import io.rocklet.api.Admin;
import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.BrokerState;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.broker.replication.ReplicationConfig;
import io.rocklet.controller.Controller;
import io.rocklet.controller.ControllerConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import io.rocklet.transport.grpc.GrpcTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * What the replica-set tests of this package share: reading a replica set's members and master from the routers
 * (multi-JVM tests), and, for tests in one JVM over gRPC, starting failover controllers and replicas of the replica set
 * {@value #SET}.
 */
final class ReplicaCluster
{
    static final String SET = "rs";

    private ReplicaCluster()
    {
    }

    /**
     * @return the replica set's brokers as the routers list them.
     */
    static List<BrokerState> members(final Admin admin)
    {
        return admin.clusterStatus().brokers().stream().filter(b -> b.brokerName().equals(SET)).toList();
    }

    /**
     * @return the replica set's reachable master as the routers list it.
     */
    static Optional<BrokerState> master(final Admin admin)
    {
        return members(admin).stream().filter(b -> b.brokerId() == 0 && b.reachable()).findFirst();
    }

    /**
     * @return true once the topic was created (on the master the routers know).
     */
    static boolean tryCreate(final Admin admin, final String topic, final int queues)
    {
        try
        {
            admin.createTopic(TopicConfig.of(topic, queues));
            return true;
        }
        catch (final RuntimeException e)
        {
            return false;
        }
    }

    static <T> T track(final List<T> all, final T one)
    {
        all.add(one);
        return one;
    }

    static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code count} failover controllers in this JVM, one Raft group on free loopback ports, each serving at
     * a port of its own on {@code transport}.
     */
    static List<Controller> controllers(final int count, final Path directory, final GrpcTransport transport,
        final Duration heartbeatTimeout)
    {
        final Map<String, String> peers = new LinkedHashMap<>();
        final List<String> services = new ArrayList<>();
        for (int i = 1; i <= count; i++)
        {
            peers.put("c" + i, "127.0.0.1:" + freePort());
            services.add(transport.listen("grpc://127.0.0.1:0").address());
        }
        final List<Controller> started = new ArrayList<>();
        for (int i = 1; i <= count; i++)
        {
            started.add(Controller.start(ControllerConfig.builder("c" + i).peers(peers)
                .dataDirectory(directory.resolve("c" + i)).serviceAddress(services.get(i - 1))
                .heartbeatTimeout(heartbeatTimeout).checkInterval(Duration.ofMillis(100)).build(), transport));
        }
        return started;
    }

    /**
     * Starts replica {@code replicaId} of the replica set in this JVM, served at a free port of {@code transport},
     * its files under {@code directory/name}.
     */
    static Broker replica(final String name, final long replicaId, final Path directory, final GrpcTransport transport,
        final UnaryOperator<ReplicationConfig.Builder> replication)
    {
        final String address = transport.listen("grpc://127.0.0.1:0").address();
        return Broker.start(BrokerConfig.builder()
            .brokerName(SET)
            .brokerId(replicaId)
            .address(address)
            .replication(replication.apply(ReplicationConfig.builder().retryBackoff(Duration.ofMillis(50))
                .metadataSyncInterval(Duration.ofMillis(200))).build())
            .dataDirectory(directory.resolve(name).resolve("broker"))
            .storeConfig(StoreConfig.builder(directory.resolve(name).resolve("store")).segmentSizeBytes(1024 * 1024)
                .maxBodyBytes(64 * 1024).preallocate(false).fsync(false).threadingMode(ThreadingMode.SHARED).build())
            .build(), transport);
    }

    /**
     * Sends one message straight to a broker.
     */
    static SendResult send(final Broker broker, final String topic, final String body) throws Exception
    {
        return broker.send(new SendRequest("pg", "producer-1", Message.builder(topic).body(body).key(body).build(),
            0, 0, 0)).get(10, TimeUnit.SECONDS);
    }
}

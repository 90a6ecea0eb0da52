package io.rocklet.transport.grpc;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.broker.replication.ReplicationConfig;
import io.rocklet.broker.replication.ReplicationMode;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A master and a slave served over gRPC on loopback (ports chosen by the system), replicating SYNC: the fetch and the
 * metadata copy cross the network; a role change over gRPC too.
 */
@Timeout(60)
class GrpcReplicationTest
{
    @TempDir
    Path dir;
    private final GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().build());
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
        transport.close();
    }

    @Test
    void shouldReplicateSyncAndServeReadsFromTheSlaveOverGrpc() throws Exception
    {
        final GrpcBinding masterEndpoint = listen();
        final GrpcBinding slaveEndpoint = listen();
        final Broker master = start("a", 0, masterEndpoint.address(), ReplicationConfig.builder()
            .mode(ReplicationMode.SYNC));
        final Broker slave = start("b", 1, slaveEndpoint.address(), ReplicationConfig.builder()
            .masterAddress(masterEndpoint.address()).retryBackoff(Duration.ofMillis(20))
            .metadataSyncInterval(Duration.ofHours(1)));
        Await.until(() -> master.replicationStatus().inSyncReplicas() == 2, () -> "slave in sync: " +
            master.replicationStatus() + ", slave=" + slave.replicationStatus());
        for (int i = 0; i < 500; i++)
        {
            master.send(new SendRequest("pg", "p1", Message.builder("orders").body("grpc-" + i).build(), i % 2, 0, 0))
                .get(10, TimeUnit.SECONDS);
            assertTrue(slave.replicationStatus().logEndOffset() >= master.replicationStatus().logEndOffset(),
                "a SYNC send is acknowledged once the slave has it");
        }
        // acknowledged means in the slave's log; readable once its dispatcher has put it in the consume queue
        Await.until(() -> slave.pull(new PullRequest("cg", "orders", 1, 0, 1000, "*", 0)).join().messages().size() == 250,
            () -> "the slave serves all 250 of queue 1");
        final PullResult fromSlave = slave.pull(new PullRequest("cg", "orders", 1, 0, 1000, "*", 0))
            .get(10, TimeUnit.SECONDS);
        assertEquals(250, fromSlave.messages().size());
        assertEquals("grpc-499", new String(fromSlave.messages().get(249).bodyBytes(), StandardCharsets.UTF_8));
        slave.syncMetadataNow();
        assertTrue(slave.topics().get(5, TimeUnit.SECONDS).stream().anyMatch(t -> t.name().equals("orders")));

        final ExecutionException refused = assertThrows(ExecutionException.class, () -> slave.send(new SendRequest(
            "pg", "p1", Message.builder("orders").body("x").build(), 0, 0, 0)).get(10, TimeUnit.SECONDS));
        assertEquals(ErrorCode.NOT_MASTER, ((RockletException)refused.getCause()).errorCode());
    }

    @Test
    void shouldReportAnotherReplicaSetOverGrpc()
    {
        final GrpcBinding masterEndpoint = listen();
        final GrpcBinding slaveEndpoint = listen();
        start("a", 0, masterEndpoint.address(), ReplicationConfig.builder());
        final Broker slave = Broker.start(config("b", 1, slaveEndpoint.address(), ReplicationConfig.builder()
            .masterAddress(masterEndpoint.address()).retryBackoff(Duration.ofMillis(20))).brokerName("other").build(),
            transport);
        open.add(slave);
        Await.until(() -> slave.replicationStatus().problem().contains("fetch from another replica set refused"),
            () -> "problem reported: " + slave.replicationStatus());
    }

    private GrpcBinding listen()
    {
        final GrpcBinding binding = transport.listen("grpc://127.0.0.1:0");
        open.add(binding);
        return binding;
    }

    private Broker start(final String name, final long brokerId, final String address,
        final ReplicationConfig.Builder replication)
    {
        final Broker broker = Broker.start(config(name, brokerId, address, replication).build(), transport);
        open.add(broker);
        return broker;
    }

    private BrokerConfig.Builder config(final String name, final long brokerId, final String address,
        final ReplicationConfig.Builder replication)
    {
        return BrokerConfig.builder()
            .brokerName("rs")
            .brokerId(brokerId)
            .address(address)
            .replication(replication.build())
            .dataDirectory(dir.resolve(name).resolve("broker"))
            .storeConfig(StoreConfig.builder(dir.resolve(name).resolve("store")).segmentSizeBytes(1024 * 1024)
                .maxBodyBytes(64 * 1024).preallocate(false).fsync(false).threadingMode(ThreadingMode.SHARED).build());
    }
}

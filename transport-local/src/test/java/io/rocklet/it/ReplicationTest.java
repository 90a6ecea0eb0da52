package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.broker.Broker;
import io.rocklet.broker.replication.ReplicationMode;
import io.rocklet.broker.replication.ReplicationStatus;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.rocklet.it.ReplicaSet.awaitCaughtUp;
import static io.rocklet.it.ReplicaSet.pull;
import static io.rocklet.it.ReplicaSet.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replica sets over the local transport with static roles: ASYNC and SYNC replication, the in-sync minimum, lag,
 * reads from a slave, a slave refusing writes.
 */
@Timeout(60)
class ReplicationTest
{
    @TempDir
    Path dir;
    private ReplicaSet set;

    @BeforeEach
    void setUp()
    {
        set = new ReplicaSet(dir);
    }

    @AfterEach
    void tearDown()
    {
        set.close();
    }

    @Test
    void shouldServeTheMastersMessagesFromTheSlaveWhenReplicatedAsync() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        for (int i = 0; i < 3000; i++) // ~ 3000 x 110 bytes: more than one 256 KiB segment
        {
            send(master, "orders", i % 4, "body-" + i);
        }
        ReplicaSet.awaitReadable(master, slave, "orders", 4);
        for (int q = 0; q < 4; q++)
        {
            final PullResult fromSlave = pull(slave, "orders", q, 0);
            final PullResult fromMaster = pull(master, "orders", q, 0);
            assertEquals(PullStatus.FOUND, fromSlave.status());
            assertEquals(fromMaster.messages().size(), fromSlave.messages().size());
            for (int j = 0; j < fromSlave.messages().size(); j++)
            {
                assertEquals(new String(fromMaster.messages().get(j).bodyBytes(), StandardCharsets.UTF_8),
                    new String(fromSlave.messages().get(j).bodyBytes(), StandardCharsets.UTF_8));
                assertEquals(fromMaster.messages().get(j).messageId(), fromSlave.messages().get(j).messageId());
            }
        }
        final ReplicationStatus status = master.replicationStatus();
        assertTrue(status.master());
        assertEquals(1, status.epoch());
        assertEquals(1, status.slaves().size());
        Await.until(() -> master.replicationStatus().lagBytes() == 0, () -> "lag 0: " + master.replicationStatus());
        assertEquals(0, slave.replicationStatus().lagBytes());
        assertEquals(1, slave.replicationStatus().epoch());
    }

    @Test
    void shouldAcknowledgeASyncSendOnlyOnceTheSlaveStoredIt() throws Exception
    {
        final Broker master = set.master("a", r -> r.mode(ReplicationMode.SYNC));
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        Await.until(() -> master.replicationStatus().inSyncReplicas() == 2, () -> "slave in sync");
        for (int i = 0; i < 200; i++)
        {
            send(master, "orders", i % 2, "sync-" + i);
            final long masterEnd = master.replicationStatus().logEndOffset();
            assertTrue(slave.replicationStatus().logEndOffset() >= masterEnd,
                "acknowledged before the slave had it: master=" + masterEnd + ", slave=" +
                    slave.replicationStatus().logEndOffset());
        }
    }

    /**
     * The master runs no thread of its own (INVOKER, never invoked: no dispatcher or agent answers a held fetch), so
     * only the sending thread can hand the slave its bytes. Once the slave's replication thread parks, its fetch is
     * held with the continuation in place, and every send is appended by the slave, acknowledged and answered on the
     * sending thread before {@code send} returns: no thread hand-off.
     */
    @Test
    void shouldAcknowledgeASyncSendOnTheSendingThreadWhenMasterAndSlaveShareTheLocalTransport() throws Exception
    {
        final Broker master = set.start("a", 0, r -> r.mode(ReplicationMode.SYNC), b -> b
            .threadingMode(ThreadingMode.INVOKER)
            .storeConfig(StoreConfig.builder(dir.resolve("a").resolve("store")).segmentSizeBytes(ReplicaSet.SEGMENT_BYTES)
                .maxBodyBytes(64 * 1024)
                .preallocate(false).fsync(false).threadingMode(ThreadingMode.INVOKER).build()));
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        Await.until(() -> master.replicationStatus().inSyncReplicas() == 2, () -> "slave in sync");
        final Thread replica = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("rocklet-replica-rs-1")).findFirst().orElseThrow();
        Await.until(() -> replica.getState() == Thread.State.WAITING || replica.getState() ==
            Thread.State.TIMED_WAITING, () -> "the slave's replication thread parked: " + replica.getState());
        for (int i = 0; i < 50; i++)
        {
            assertTrue(sendReturnsAcknowledged(master, "inline-" + i), "send " + i + " waited for another thread");
            assertTrue(slave.replicationStatus().logEndOffset() >= master.replicationStatus().logEndOffset(),
                "acknowledged before the slave had it");
        }
    }

    private static boolean sendReturnsAcknowledged(final Broker master, final String body) throws Exception
    {
        final CompletableFuture<SendResult> sent = master.send(new SendRequest("pg", "producer-1",
            Message.builder("orders").body(body).build(), 0, 0, 0));
        final boolean done = sent.isDone();
        sent.get(10, TimeUnit.SECONDS);
        return done;
    }

    @Test
    void shouldFailASyncSendAtOnceWithARetriableErrorWhenTooFewReplicasAreInSync() throws Exception
    {
        final Broker master = set.master("a", r -> r.mode(ReplicationMode.SYNC));
        final ExecutionException e = assertThrows(ExecutionException.class, () -> send(master, "orders", 0, "x"));
        final RockletException cause = assertInstanceOf(RockletException.class, e.getCause());
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, cause.errorCode());
        assertTrue(cause.retriable());
        assertTrue(cause.getMessage().contains("inSyncReplicas=1") && cause.getMessage().contains("minInSyncReplicas=2"),
            cause.getMessage());
        assertEquals(0, master.replicationStatus().logEndOffset(), "nothing stored");
    }

    @Test
    void shouldAcknowledgeWithoutSlavesWhenDegradedSyncIsAllowed() throws Exception
    {
        final Broker master = set.master("a", r -> r.mode(ReplicationMode.SYNC).allowDegradedSync(true));
        assertEquals(0, send(master, "orders", 0, "x").queueOffset());
    }

    @Test
    void shouldFailWithReplicationTimeoutWhenTheSlaveStopsAcknowledging() throws Exception
    {
        final Broker master = set.master("a", r -> r.mode(ReplicationMode.SYNC)
            .syncReplicationTimeout(java.time.Duration.ofMillis(300)));
        set.slave("b", 1, "a", UnaryOperator.identity());
        Await.until(() -> master.replicationStatus().inSyncReplicas() == 2, () -> "slave in sync");
        send(master, "orders", 0, "first");
        set.stop("b"); // still counted in sync until maxSilenceNotInSync (15 s) passes
        final ExecutionException e = assertThrows(ExecutionException.class, () -> send(master, "orders", 0, "x"));
        assertEquals(ErrorCode.REPLICATION_TIMEOUT, ((RockletException)e.getCause()).errorCode());
    }

    @Test
    void shouldReportReplicationLagInBytesAndTimeWhenTheSlaveFallsBehind() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        send(master, "orders", 0, "first");
        awaitCaughtUp(master, slave);
        Await.until(() -> master.replicationStatus().lagBytes() == 0, () -> "no lag: " + master.replicationStatus());
        set.stop("b");
        final long before = master.replicationStatus().logEndOffset();
        for (int i = 0; i < 10; i++)
        {
            send(master, "orders", 0, "while-away-" + i);
        }
        final long behind = master.replicationStatus().logEndOffset() - before;
        final var status = master.status().get(5, TimeUnit.SECONDS);
        assertEquals(behind, status.replicationLagBytes());
        assertEquals(behind, master.replicationStatus().lagBytes());
        final long lagMs = master.replicationStatus().lagMs();
        Await.until(() -> master.replicationStatus().lagMs() > lagMs, () -> "lag grows in time");
        final Broker back = set.slave("b", 1, "a", UnaryOperator.identity());
        awaitCaughtUp(master, back);
        Await.until(() -> master.status().join().replicationLagBytes() == 0, () -> "caught up again");
        assertEquals(0, back.status().get(5, TimeUnit.SECONDS).replicationLagBytes());
    }

    @Test
    void shouldRefuseWritesOnASlaveNamingTheMaster() throws Exception
    {
        set.master("a", UnaryOperator.identity());
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        final ExecutionException e = assertThrows(ExecutionException.class, () -> send(slave, "orders", 0, "x"));
        final RockletException cause = (RockletException)e.getCause();
        assertEquals(ErrorCode.NOT_MASTER, cause.errorCode());
        assertTrue(cause.getMessage().contains(ReplicaSet.address("a")), cause.getMessage());
        final ExecutionException admin = assertThrows(ExecutionException.class, () -> slave.createOrUpdateTopic(
            new io.rocklet.api.TopicConfig("t", 4, 4, io.rocklet.api.TopicConfig.PERM_READ_WRITE, false)).get(5, TimeUnit.SECONDS));
        assertEquals(ErrorCode.NOT_MASTER, ((RockletException)admin.getCause()).errorCode());
    }
}

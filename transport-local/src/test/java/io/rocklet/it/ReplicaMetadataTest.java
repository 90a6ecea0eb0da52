package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import io.rocklet.broker.Broker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.rocklet.it.ReplicaSet.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metadata follows the master: topics, committed offsets; offsets committed to a slave while the master is away reach
 * the master when it returns.
 */
@Timeout(60)
class ReplicaMetadataTest
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
    void shouldCopyTopicsAndOffsetsFromTheMasterWhenSynced() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        final Broker slave = set.slave("b", 1, "a", r -> r.metadataSyncInterval(Duration.ofHours(1)));
        master.createOrUpdateTopic(new TopicConfig("orders", 8, 8, TopicConfig.PERM_READ_WRITE, false))
            .get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++)
        {
            send(master, "orders", 3, "m" + i);
        }
        commit(master, 3, 12);
        slave.syncMetadataNow();
        assertTrue(slave.topics().get(5, TimeUnit.SECONDS).stream().anyMatch(t -> t.name().equals("orders") &&
            t.readQueues() == 8));
        assertEquals(12, slave.queryOffset("cg", "orders", 3).get(5, TimeUnit.SECONDS));

        master.resetOffsets(new ResetOffsetsRequest("cg", "orders", ConsumeFrom.Position.FIRST, 0))
            .get(5, TimeUnit.SECONDS);
        slave.syncMetadataNow();
        assertEquals(0, slave.queryOffset("cg", "orders", 3).get(5, TimeUnit.SECONDS), "a reset reaches the slave");
    }

    @Test
    void shouldHandOffsetsCommittedToTheSlaveToTheMasterWhenItReturns() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        final Broker slave = set.slave("b", 1, "a", r -> r.metadataSyncInterval(Duration.ofHours(1)));
        for (int i = 0; i < 20; i++)
        {
            send(master, "orders", 0, "m" + i);
        }
        commit(master, 0, 5);
        ReplicaSet.awaitCaughtUp(master, slave);
        set.stop("a");
        commit(slave, 0, 17); // a consumer reading from the slave while the master is away
        assertThrows(RuntimeException.class, slave::syncMetadataNow);
        final Broker back = set.master("a", UnaryOperator.identity());
        assertEquals(5, back.queryOffset("cg", "orders", 0).get(5, TimeUnit.SECONDS));
        Await.until(() -> slave.replicationStatus().problem().isEmpty(), () -> "slave following again");
        slave.syncMetadataNow();
        assertEquals(17, back.queryOffset("cg", "orders", 0).get(5, TimeUnit.SECONDS));
        assertEquals(17, slave.queryOffset("cg", "orders", 0).get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldFollowTheMastersTopicDeletionsWhenTheTopicIsCreatedAgainOrGone() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        final UnaryOperator<io.rocklet.broker.replication.ReplicationConfig.Builder> hourly =
            r -> r.metadataSyncInterval(Duration.ofHours(1));
        Broker slave = set.slave("b", 1, "a", hourly);
        for (int i = 0; i < 10; i++)
        {
            send(master, "orders", 0, "old-" + i);
            send(master, "audit", 0, "audit-" + i);
        }
        commit(master, 0, 7);
        ReplicaSet.awaitCaughtUp(master, slave);
        slave.syncMetadataNow(); // the topics (an hourly copy here)
        ReplicaSet.awaitReadable(master, slave, "orders", 1);

        // followed while the slave is replicating: the next record of orders restarts its queue at 0
        master.deleteTopic("orders").get(5, TimeUnit.SECONDS);
        send(master, "orders", 0, "new-0");
        ReplicaSet.awaitReadable(master, slave, "orders", 1);
        assertEquals("", slave.replicationStatus().problem());
        assertEquals(List.of("new-0"), bodies(slave, "orders"));
        assertEquals(bodies(master, "orders"), bodies(slave, "orders"));

        // followed by a slave that was away: deletions ahead of its log end wait until its log reaches them
        set.stop("b");
        master.deleteTopic("orders").get(5, TimeUnit.SECONDS);
        master.deleteTopic("audit").get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++)
        {
            send(master, "orders", 0, "newer-" + i);
        }
        slave = set.slave("b", 1, "a", hourly);
        ReplicaSet.awaitReadable(master, slave, "orders", 1);
        slave.syncMetadataNow();
        assertEquals("", slave.replicationStatus().problem());
        assertEquals(List.of("newer-0", "newer-1", "newer-2"), bodies(slave, "orders"));
        assertTrue(slave.topics().get(5, TimeUnit.SECONDS).stream().noneMatch(t -> t.name().equals("audit")),
            "a topic the master deleted is gone from the slave's topics");
        assertEquals(master.queryOffset("cg", "orders", 0).get(5, TimeUnit.SECONDS),
            slave.queryOffset("cg", "orders", 0).get(5, TimeUnit.SECONDS), "the old topic's offsets are gone");
    }

    @Test
    void shouldServeATopicCreatedAfterTheLastMetadataCopyWhenPulledFromTheSlaveOrAfterPromotion() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        final Broker slave = set.slave("b", 1, "a", r -> r.metadataSyncInterval(Duration.ofHours(1)));
        Await.until(() -> slave.replicationStatus().problem().isEmpty() && slave.replicationStatus().logEndOffset() ==
            master.replicationStatus().logEndOffset(), () -> "slave following: " + slave.replicationStatus());
        for (int i = 0; i < 3; i++)
        {
            send(master, "fresh", 0, "fresh-" + i); // auto-created after the slave's first (and only) copy
        }
        ReplicaSet.awaitReadable(master, slave, "fresh", 1);
        assertEquals(List.of("fresh-0", "fresh-1", "fresh-2"), bodies(slave, "fresh"));

        set.stop("a");
        slave.becomeMaster(2);
        assertTrue(slave.topics().get(5, TimeUnit.SECONDS).stream().anyMatch(t -> t.name().equals("fresh")),
            "the promoted slave knows the topic");
        send(slave, "fresh", 0, "fresh-3");
        Await.until(() -> ReplicaSet.count(slave, "fresh", 0) == 4, () -> "the send readable");
        assertEquals(List.of("fresh-0", "fresh-1", "fresh-2", "fresh-3"), bodies(slave, "fresh"));
    }

    private static List<String> bodies(final Broker broker, final String topic) throws Exception
    {
        return ReplicaSet.pull(broker, topic, 0, 0).messages().stream()
            .map(message -> new String(message.bodyBytes(), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    private static void commit(final Broker broker, final int queueId, final long offset) throws Exception
    {
        broker.commitOffsets(new CommitOffsetsRequest("cg", List.of(new QueueOffset("orders", queueId, offset))))
            .get(5, TimeUnit.SECONDS);
    }
}

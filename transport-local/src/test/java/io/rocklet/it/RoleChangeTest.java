package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.broker.Broker;
import io.rocklet.broker.replication.ReplicationMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.rocklet.it.ReplicaSet.awaitCaughtUp;
import static io.rocklet.it.ReplicaSet.pull;
import static io.rocklet.it.ReplicaSet.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The role changes a failover controller calls: promote a slave, turn the old master into its slave; the old master
 * cuts the tail it wrote after the new epoch began and catches up; no SYNC-acknowledged message is lost.
 */
@Timeout(90)
class RoleChangeTest
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
    void shouldTruncateTheOldMastersUnreplicatedTailAndCatchUpWhenItRejoinsAsSlave() throws Exception
    {
        final UnaryOperator<io.rocklet.broker.replication.ReplicationConfig.Builder> sync = r -> r
            .mode(ReplicationMode.SYNC).syncReplicationTimeout(Duration.ofMillis(200));
        Broker a = set.master("a", sync);
        final Broker b = set.slave("b", 1, "a", UnaryOperator.identity());
        Await.until(() -> a.replicationStatus().inSyncReplicas() == 2, () -> "slave in sync");
        final List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            send(a, "orders", i % 2, "acked-" + i);
            acknowledged.add("acked-" + i);
        }
        awaitCaughtUp(a, b);
        set.stop("b"); // the slave goes away; the master keeps writing, unacknowledged
        for (int i = 0; i < 3; i++)
        {
            final int n = i;
            final ExecutionException e = assertThrows(ExecutionException.class, () -> send(a, "orders", 0,
                "unacked-" + n));
            assertEquals(ErrorCode.REPLICATION_TIMEOUT, ((RockletException)e.getCause()).errorCode());
        }
        final long oldMasterEnd = a.replicationStatus().logEndOffset();
        set.stop("a"); // the master dies

        final Broker promoted = set.slave("b", 1, "a", UnaryOperator.identity());
        promoted.becomeMaster(2);
        assertEquals(2, promoted.replicationStatus().epoch());
        assertThrows(RockletException.class, () -> promoted.becomeMaster(2), "an epoch going backwards");
        for (int i = 0; i < 50; i++)
        {
            final SendResult result = send(promoted, "orders", i % 2, "epoch2-" + i);
            assertEquals("rs", result.brokerName());
            acknowledged.add("epoch2-" + i);
        }

        final Broker rejoined = set.master("a", UnaryOperator.identity()); // restarts on its old directory
        assertEquals(oldMasterEnd, rejoined.replicationStatus().logEndOffset());
        rejoined.becomeSlave(ReplicaSet.address("b"), 2);
        final ExecutionException refused = assertThrows(ExecutionException.class, () -> send(rejoined, "orders", 0, "x"));
        assertEquals(ErrorCode.NOT_MASTER, ((RockletException)refused.getCause()).errorCode());
        ReplicaSet.awaitReadable(promoted, rejoined, "orders", 2);
        Await.until(() -> rejoined.replicationStatus().problem().isEmpty(), () -> "following: " +
            rejoined.replicationStatus());
        assertEquals(2, rejoined.replicationStatus().epoch());

        final List<String> onRejoined = new ArrayList<>();
        final List<String> onPromoted = new ArrayList<>();
        for (int q = 0; q < 2; q++)
        {
            onRejoined.addAll(bodies(pull(rejoined, "orders", q, 0)));
            onPromoted.addAll(bodies(pull(promoted, "orders", q, 0)));
        }
        assertEquals(onPromoted, onRejoined, "same messages in the same queue order");
        assertTrue(onRejoined.containsAll(acknowledged), "no acknowledged message lost");
        assertFalse(onRejoined.stream().anyMatch(body -> body.startsWith("unacked-")), "the unreplicated tail is cut");
        try (Stream<Path> quarantined = Files.list(dir.resolve("a").resolve("store").resolve("quarantine")))
        {
            assertEquals(1, quarantined.count(), "the cut tail is kept for the operator");
        }
    }

    @Test
    void shouldRefuseAPromotionWithAnEpochNotAboveTheLogsLast() throws Exception
    {
        final Broker a = set.master("a", UnaryOperator.identity());
        final Broker b = set.slave("b", 1, "a", UnaryOperator.identity());
        send(a, "orders", 0, "x");
        awaitCaughtUp(a, b);
        Await.until(() -> b.replicationStatus().epoch() == 1, () -> "epoch copied: " + b.replicationStatus());
        final RockletException e = assertThrows(RockletException.class, () -> b.becomeMaster(1));
        assertEquals(ErrorCode.REPLICA_MISMATCH, e.errorCode());
        assertTrue(e.getMessage().contains("epoch going backwards"), e.getMessage());
        assertThrows(RockletException.class, () -> b.becomeSlave(ReplicaSet.address("a"), 0));
    }

    private static List<String> bodies(final PullResult result)
    {
        return result.messages().stream().map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList();
    }
}

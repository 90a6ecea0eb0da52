package io.rocklet.it;

import io.rocklet.broker.Broker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

import static io.rocklet.it.ReplicaSet.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A slave that cannot follow its master says why (its replication status and a WARN line) and changes nothing.
 */
@Timeout(60)
class ReplicaMismatchTest
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
    void shouldRefuseASlaveOfAnotherReplicaSet() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        send(master, "orders", 0, "x");
        final Broker slave = set.start("b", 1, r -> r.masterAddress(ReplicaSet.address("a")),
            b -> b.brokerName("other"));
        awaitProblem(slave, "fetch from another replica set refused");
        assertEquals(0, slave.replicationStatus().logEndOffset());
    }

    @Test
    void shouldRefuseASlaveOfAnotherCluster()
    {
        set.master("a", UnaryOperator.identity());
        final Broker slave = set.start("b", 1, r -> r.masterAddress(ReplicaSet.address("a")),
            b -> b.clusterName("elsewhere"));
        awaitProblem(slave, "slaveCluster=elsewhere");
    }

    @Test
    void shouldRefuseASlaveWhoseSegmentSizeDiffers() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        send(master, "orders", 0, "x");
        final Broker slave = set.start("b", 1, r -> r.masterAddress(ReplicaSet.address("a")),
            b -> b.storeConfig(b.build().storeConfig().toBuilder().segmentSizeBytes(512 * 1024).build()));
        awaitProblem(slave, "segment size differs");
        assertEquals(0, slave.replicationStatus().logEndOffset());
    }

    @Test
    void shouldRefuseASlaveAheadOfItsMaster() throws Exception
    {
        final Broker former = set.master("b", UnaryOperator.identity());
        for (int i = 0; i < 10; i++)
        {
            send(former, "orders", 0, "written-on-b-" + i);
        }
        final long end = former.replicationStatus().logEndOffset();
        set.stop("b");
        set.master("a", UnaryOperator.identity());
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        awaitProblem(slave, "slave ahead of its master");
        assertTrue(slave.replicationStatus().problem().contains("becomeSlave truncates"));
        assertEquals(end, slave.replicationStatus().logEndOffset(), "nothing cut or appended");
    }

    private static void awaitProblem(final Broker slave, final String text)
    {
        Await.until(() -> slave.replicationStatus().problem().contains(text),
            () -> "slave problem containing '" + text + "': " + slave.replicationStatus());
    }
}

package io.rocklet.it;

import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.broker.Broker;
import io.rocklet.broker.replication.ReplicationMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static io.rocklet.it.ReplicaSet.awaitCaughtUp;
import static io.rocklet.it.ReplicaSet.pull;
import static io.rocklet.it.ReplicaSet.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica joining after the master's retention deleted the start of its log: an empty one starts its log at the
 * master's log start and serves everything the master still has; one with records the master no longer continues from
 * reports that it cannot catch up and keeps what it has.
 */
@Timeout(60)
class ReplicaSeedTest
{
    private static final String TOPIC = "seeded";
    private static final long START_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;
    private ReplicaSet set;
    /** The master's store clock: moving it past the reserved time lets retention delete sealed segments. */
    private final AtomicLong masterClock = new AtomicLong(START_MS);

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
    void shouldSeedAnEmptySlaveAtTheMastersLogStartWhenRetentionDeletedTheBeginning() throws Exception
    {
        final Broker master = master();
        sendMany(master, 0, 6000); // ~ 6000 x 115 bytes: more than two 256 KiB segments
        expireSealedSegments(master);
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        ReplicaSet.awaitCaughtUp(master, slave);
        assertEquals(master.replicationStatus().logEndOffset(), slave.replicationStatus().logEndOffset());
        assertServesWhatTheMasterServes(master, slave);
        assertEquals("", slave.replicationStatus().problem());

        sendMany(master, 6000, 100); // replication goes on from the seeded log
        awaitSameQueues(master, slave);
        set.stop("b");
        final Broker restarted = set.slave("b", 1, "a", UnaryOperator.identity());
        sendMany(master, 6100, 100);
        awaitSameQueues(master, restarted);
        assertServesWhatTheMasterServes(master, restarted);
    }

    @Test
    void shouldReportASlaveTooFarBehindAndKeepItsLogWhenTheMasterNoLongerHasItsNextBytes() throws Exception
    {
        final Broker master = master();
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        sendMany(master, 0, 10);
        awaitCaughtUp(master, slave);
        final long slaveEnd = slave.replicationStatus().logEndOffset();
        set.stop("b");
        sendMany(master, 10, 6000);
        expireSealedSegments(master);
        final Broker behind = set.slave("b", 1, "a", UnaryOperator.identity());
        Await.until(() -> behind.replicationStatus().problem().contains("too far behind"),
            () -> "slave reports it cannot catch up: " + behind.replicationStatus());
        assertTrue(behind.replicationStatus().problem().contains("empty its store directory"),
            behind.replicationStatus()::problem);
        assertEquals(slaveEnd, behind.replicationStatus().logEndOffset());
        int kept = 0;
        for (int q = 0; q < 4; q++)
        {
            kept += pull(behind, TOPIC, q, 0).messages().size();
        }
        assertEquals(10, kept);
    }

    private Broker master()
    {
        return set.start("a", 0, r -> r.mode(ReplicationMode.ASYNC), UnaryOperator.identity(), store -> store
            .clock(masterClock::get).fileReservedTime(Duration.ofHours(1)).retentionCheckInterval(Duration.ofMillis(20)));
    }

    private static void sendMany(final Broker master, final int from, final int count) throws Exception
    {
        for (int i = from; i < from + count; i++)
        {
            send(master, TOPIC, i % 4, "body-" + i + "-" + "x".repeat(40));
        }
    }

    /** Moves the master's clock past the reserved time and waits until retention deleted its first segments. */
    private void expireSealedSegments(final Broker master) throws Exception
    {
        masterClock.addAndGet(TimeUnit.HOURS.toMillis(2));
        send(master, TOPIC, 0, "after the clock moved"); // seals nothing, but is newer than the reserved time
        Await.until(() -> offsets(master, 1).minOffset() > 0 && offsets(master, 3).minOffset() > 0,
            () -> "retention deleted the first segments: queue 1 " + offsets(master, 1));
    }

    private static QueueOffsets offsets(final Broker broker, final int queueId)
    {
        try
        {
            return broker.queueOffsets(TOPIC, queueId).get(10, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            throw new AssertionError("queue offsets of " + TOPIC + ":" + queueId + " on " + broker, e);
        }
    }

    /** The queue's offsets, or null while the broker does not know the topic yet (a slave learning it). */
    private static QueueOffsets offsetsOrNull(final Broker broker, final int queueId)
    {
        try
        {
            return broker.queueOffsets(TOPIC, queueId).get(10, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            return null;
        }
    }

    private static void awaitSameQueues(final Broker master, final Broker slave)
    {
        awaitCaughtUp(master, slave);
        for (int q = 0; q < 4; q++)
        {
            final int queueId = q;
            Await.until(() -> offsets(master, queueId).equals(offsetsOrNull(slave, queueId)),
                () -> "queue " + queueId + " the same on the slave: slave=" + offsetsOrNull(slave, queueId) + ", master=" +
                    offsets(master, queueId));
        }
    }

    /** Every queue: the same offsets, and the same messages from the queue's first offset on (up to 1,000). */
    private static void assertServesWhatTheMasterServes(final Broker master, final Broker slave) throws Exception
    {
        awaitSameQueues(master, slave);
        for (int q = 0; q < 4; q++)
        {
            final QueueOffsets offsets = offsets(master, q);
            assertTrue(offsets.minOffset() > 0, "queue " + q + " lost its start to retention: " + offsets);
            final PullResult fromSlave = pull(slave, TOPIC, q, offsets.minOffset());
            final PullResult fromMaster = pull(master, TOPIC, q, offsets.minOffset());
            assertEquals(fromMaster.messages().size(), fromSlave.messages().size());
            assertTrue(fromSlave.messages().size() > 0);
            for (int j = 0; j < fromSlave.messages().size(); j++)
            {
                assertEquals(new String(fromMaster.messages().get(j).bodyBytes(), StandardCharsets.UTF_8),
                    new String(fromSlave.messages().get(j).bodyBytes(), StandardCharsets.UTF_8));
                assertEquals(fromMaster.messages().get(j).messageId(), fromSlave.messages().get(j).messageId());
            }
        }
    }
}

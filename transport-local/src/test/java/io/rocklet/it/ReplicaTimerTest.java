package io.rocklet.it;

import io.rocklet.api.Message;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.broker.Broker;
import io.rocklet.broker.replication.ReplicationConfig;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Timer progress follows the master: a promoted slave delivers what still waits, once, and not again what its master
 * delivered before the last metadata copy.
 */
@Timeout(60)
class ReplicaTimerTest
{
    private static final String TOPIC = "reminders";

    @TempDir
    Path dir;
    private ReplicaSet set;
    private final CachedEpochClock clock = new CachedEpochClock();

    @BeforeEach
    void setUp()
    {
        set = new ReplicaSet(dir);
        clock.update(System.currentTimeMillis());
    }

    @AfterEach
    void tearDown()
    {
        set.close();
    }

    @Test
    void shouldDeliverOnlyWhatStillWaitsWhenASlaveIsPromotedAfterTheMasterDeliveredTimedMessages() throws Exception
    {
        promoteAfterDeliveries(false);
    }

    @Test
    void shouldKeepTheFollowedTimerProgressWhenTheSlaveRestartsBeforeItIsPromoted() throws Exception
    {
        promoteAfterDeliveries(true);
    }

    private void promoteAfterDeliveries(final boolean restartSlave) throws Exception
    {
        final UnaryOperator<ReplicationConfig.Builder> hourly = r -> r.metadataSyncInterval(Duration.ofHours(1));
        final Broker master = set.start("a", 0, UnaryOperator.identity(), b -> b.clock(clock));
        final UnaryOperator<ReplicationConfig.Builder> following =
            r -> hourly.apply(r.masterAddress(ReplicaSet.address("a")));
        Broker slave = set.start("b", 1, following, b -> b.clock(clock));
        final long t0 = clock.time();
        for (int i = 0; i < 5; i++)
        {
            sendAt(master, t0 + 1_000, "soon-" + i);
            sendAt(master, t0 + 100_000, "later-" + i);
        }
        clock.advance(2_000);
        Await.until(() -> count(master) == 5, () -> "the master delivered the due ones");
        Await.until(() -> timedPending(master) == 5L, () -> "five wait on the master");
        ReplicaSet.awaitCaughtUp(master, slave);
        slave.syncMetadataNow(); // the topic and the timer's progress (an hourly copy here)
        ReplicaSet.awaitReadable(master, slave, TOPIC, 1);

        set.stop("a");
        if (restartSlave)
        {
            set.stop("b"); // the copied progress is in its timer checkpoint
            slave = set.start("b", 1, following, b -> b.clock(clock));
        }
        final Broker promoted = slave;
        promoted.becomeMaster(2);
        Await.until(() -> timedPending(promoted) == 5L, () -> "the promoted slave counts the five that wait");
        clock.advance(100_000);
        Await.until(() -> timedPending(promoted) == 0L && count(promoted) >= 10, () -> "the promoted slave " +
            "delivered the later ones: " + bodies(promoted));
        final List<String> bodies = bodies(promoted);
        assertEquals(10, bodies.size(), "each delivered once: " + bodies);
        assertEquals(10, bodies.stream().distinct().count(), "each delivered once: " + bodies);
    }

    private static void sendAt(final Broker broker, final long dueMs, final String body) throws Exception
    {
        broker.send(new SendRequest("pg", "producer-1", Message.builder(TOPIC).deliverAt(dueMs).body(body).build(),
            0, 0, 0)).get(10, TimeUnit.SECONDS);
    }

    private static long timedPending(final Broker broker)
    {
        try
        {
            final Map<String, Long> pending = broker.status().get(10, TimeUnit.SECONDS).timedPending();
            return pending.getOrDefault(TOPIC, 0L);
        }
        catch (final Exception e)
        {
            return -1;
        }
    }

    private static int count(final Broker broker)
    {
        return bodies(broker).size();
    }

    private static List<String> bodies(final Broker broker)
    {
        try
        {
            return ReplicaSet.pull(broker, TOPIC, 0, 0).messages().stream()
                .map(message -> new String(message.bodyBytes(), StandardCharsets.UTF_8)).toList();
        }
        catch (final Exception e)
        {
            return List.of();
        }
    }
}

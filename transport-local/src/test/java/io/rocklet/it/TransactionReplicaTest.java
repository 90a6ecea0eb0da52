package io.rocklet.it;

import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionStatus;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.TransactionCheck;
import io.rocklet.broker.Broker;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.rocklet.it.ReplicaSet.address;
import static io.rocklet.it.ReplicaSet.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactions in a replica set: the slave replicates half messages and op records and knows the open transactions,
 * but only the master checks them back; a promoted slave checks at once from what it replicated.
 */
@Timeout(60)
class TransactionReplicaTest
{
    static final String GROUP = "txn-pg";
    static final String TOPIC = "orders";

    @TempDir
    Path dir;
    final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldCheckOnlyOnTheMasterAndResumeChecksOnAPromotedSlave() throws Exception
    {
        clock.update(System.currentTimeMillis());
        try (ReplicaSet set = new ReplicaSet(dir))
        {
            final Broker master = set.start("a", 0, UnaryOperator.identity(), b -> b.clock(clock));
            final Broker slave = set.start("b", 1, r -> r.masterAddress(address("a")), b -> b.clock(clock));
            final Queue<TransactionCheck> askedByMaster = new ConcurrentLinkedQueue<>();
            final Queue<TransactionCheck> askedBySlave = new ConcurrentLinkedQueue<>();
            master.watchTransactionChecks(GROUP, "producer-1", askedByMaster::add);
            slave.watchTransactionChecks(GROUP, "producer-1", askedBySlave::add);
            final Message half = Message.builder(TOPIC).property(SystemProperties.TRANSACTION_PREPARED, "true")
                .body("half").build();
            master.send(new SendRequest(GROUP, "producer-1", half, 0, 1, 0)).get(10, TimeUnit.SECONDS);
            awaitCaughtUp(master, slave);
            Await.until(() -> open(slave).size() == 1, () -> "the slave knows the open transaction");

            clock.advance(30_000);
            Await.until(() -> askedByMaster.size() == 1, () -> "the master checks");
            Await.until(() -> !open(slave).isEmpty() && open(slave).get(0).checks() == 1,
                () -> "the slave replicated the check: " + open(slave));
            Await.holds(Duration.ofMillis(300), askedBySlave::isEmpty, () -> "the slave checked: " + askedBySlave);

            set.stop("a");
            slave.becomeMaster(2);
            // time moves on until the promoted slave's agent, which plans its checks from when it took over, checks
            Await.until(() ->
            {
                clock.advance(5_000);
                return !askedBySlave.isEmpty();
            }, () -> "the promoted slave checks");
            final TransactionCheck check = askedBySlave.peek();
            assertEquals("half", new String(check.message().body(), StandardCharsets.UTF_8));
            assertEquals(TOPIC, check.message().topic());
            assertEquals(EndTransactionStatus.COMMITTED, slave.endTransaction(new EndTransactionRequest(GROUP, TOPIC,
                check.messageId(), check.halfOffset(), TransactionResolution.COMMIT, true)).get(10, TimeUnit.SECONDS));
            Await.until(() -> messages(slave) == 1, () -> "committed on the promoted slave");
            assertTrue(open(slave).isEmpty());
        }
    }

    private static int messages(final Broker broker)
    {
        return broker.pull(new io.rocklet.api.spi.BrokerService.PullRequest("cg", TOPIC, 0, 0, 10, "*", 0)).join()
            .messages().size();
    }

    private static List<TransactionInfo> open(final Broker broker)
    {
        return broker.transactions(GROUP).join();
    }
}

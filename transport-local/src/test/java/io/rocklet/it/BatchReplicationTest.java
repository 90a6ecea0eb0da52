package io.rocklet.it;

import io.rocklet.api.Message;
import io.rocklet.api.MessageView;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.broker.Broker;
import io.rocklet.broker.replication.ReplicationMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.rocklet.it.ReplicaSet.pull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches appended by the master's store batch append replicate as the records they are: a SYNC batch is acknowledged
 * only once the slave stored its last record, and the slave serves each message with the id and queue offset the
 * master answered.
 */
@Timeout(60)
class BatchReplicationTest
{
    private static final int BATCHES = 50;
    private static final int BATCH_SIZE = 32;

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
    void shouldAcknowledgeASyncBatchOnlyOnceTheSlaveStoredItsLastRecord() throws Exception
    {
        final Broker master = set.master("a", r -> r.mode(ReplicationMode.SYNC));
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        Await.until(() -> master.replicationStatus().inSyncReplicas() == 2, () -> "slave in sync");
        final List<SendResult> sent = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) // 50 x 32 x ~120 bytes: the log crosses a 256 KiB segment
        {
            final List<Message> messages = new ArrayList<>(BATCH_SIZE);
            for (int i = 0; i < BATCH_SIZE; i++)
            {
                messages.add(Message.builder("orders").body("batch-" + b + "-" + i).key("k" + b + "-" + i).build());
            }
            sent.addAll(master.sendBatch(new SendBatchRequest("pg", "producer-1", "orders", b % 2, messages, 0))
                .get(10, TimeUnit.SECONDS));
            final long masterEnd = master.replicationStatus().logEndOffset();
            assertTrue(slave.replicationStatus().logEndOffset() >= masterEnd, "batch " + b +
                " acknowledged before the slave had it: master=" + masterEnd + ", slave=" +
                slave.replicationStatus().logEndOffset());
        }
        ReplicaSet.awaitReadable(master, slave, "orders", 2);
        for (int q = 0; q < 2; q++)
        {
            final int queueId = q;
            final List<SendResult> expected = sent.stream().filter(r -> r.queueId() == queueId).toList();
            final List<MessageView> served = pull(slave, "orders", q, 0).messages();
            assertEquals(expected.size(), served.size(), "queue " + q);
            for (int i = 0; i < served.size(); i++)
            {
                assertEquals(expected.get(i).messageId(), served.get(i).messageId(), "queue " + q + ", index " + i);
                assertEquals(expected.get(i).queueOffset(), served.get(i).queueOffset());
            }
        }
        final MessageView first = pull(slave, "orders", 0, 0).messages().get(0);
        assertEquals("batch-0-0", new String(first.bodyBytes(), StandardCharsets.UTF_8));
    }
}

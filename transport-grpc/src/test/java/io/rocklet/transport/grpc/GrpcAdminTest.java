package io.rocklet.transport.grpc;

import io.rocklet.api.Admin;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.BrokerState;
import io.rocklet.api.admin.ClusterStatus;
import io.rocklet.api.admin.GroupInfo;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.QueueProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Admin API over gRPC: the admin queries added to the SPI (broker status, topic offsets, groups, progress,
 * messages by id and key, registered brokers) cross the wire and answer as over the local transport.
 */
@Timeout(60)
class GrpcAdminTest
{
    @Test
    void shouldAnswerTheAdminQueriesWhenTheyCrossTheWire() throws Exception
    {
        try (GrpcCluster cluster = GrpcCluster.mutualTls())
        {
            final RockletClient client = cluster.newClient();
            final Admin admin = client.admin();
            admin.createTopic(TopicConfig.of("invoices", 2));
            final Producer producer = client.newProducer(ProducerConfig.builder("billing").build());
            final SendReceipt receipt = producer.send(Message.builder("invoices").tag("issued").keys("inv-7")
                .property("currency", "EUR").body("invoice 7").build());
            for (int i = 0; i < 5; i++)
            {
                producer.send(Message.builder("invoices").body("invoice " + i).build());
            }

            final CountDownLatch consumed = new CountDownLatch(6);
            try (PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("accounting")
                .subscribe("invoices", "*").consumeFrom(ConsumeFrom.FIRST).listener(messages ->
                {
                    messages.forEach(message -> consumed.countDown());
                    return ConsumeResult.SUCCESS;
                }).build()))
            {
                assertTrue(consumed.await(20, TimeUnit.SECONDS), "consumed 6 messages");

                assertEquals(6, admin.queueStats("invoices").stream().mapToLong(q -> q.maxOffset() - q.minOffset())
                    .sum(), "message count over both queues");
                final GroupInfo group = admin.groups().stream().filter(g -> g.group().equals("accounting"))
                    .findFirst().orElseThrow(() -> new AssertionError("group missing: " + admin.groups()));
                assertEquals(1, group.clientIds().size(), group.toString());
                assertEquals(1, admin.members("accounting").size());
                awaitNoLag(admin);
            }

            final Optional<MessageDetail> byId = admin.messageById(receipt.messageId());
            assertTrue(byId.isPresent());
            assertEquals("EUR", byId.get().properties().get("currency"));
            assertEquals("invoice 7", new String(byId.get().body(), StandardCharsets.UTF_8));
            final List<MessageDetail> byKey = admin.messagesByKey("invoices", "inv-7", 0, Long.MAX_VALUE, 10);
            assertEquals(List.of(receipt.messageId()), byKey.stream().map(MessageDetail::messageId).toList());

            final ClusterStatus status = admin.clusterStatus();
            assertEquals(1, status.routers().size(), status.toString());
            assertTrue(status.routers().get(0).reachable(), status.toString());
            final BrokerState broker = status.brokers().get(0);
            assertTrue(broker.reachable() && broker.writable(), broker.toString());
            assertEquals(GrpcCluster.BROKER_NAME, broker.brokerName());

            final RockletException unknown = assertThrows(RockletException.class, () -> admin.progress("nobody"));
            assertEquals(ErrorCode.GROUP_NOT_FOUND, unknown.errorCode(), unknown.toString());
        }
    }

    private static void awaitNoLag(final Admin admin)
    {
        Await.until(() -> admin.progress("accounting").queues().stream().mapToLong(QueueProgress::lag).sum() == 0,
            () -> "offsets not committed: " + admin.progress("accounting"));
        assertEquals(2, admin.progress("accounting").queues().stream()
            .filter(queue -> queue.queue().topic().equals("invoices")).count(), "the topic's queues (and the retry's)");
    }
}

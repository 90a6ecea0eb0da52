package io.rocklet.transport.grpc;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.Transaction;
import io.rocklet.api.TransactionProducer;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Transactional messages over gRPC: commit and rollback with the end-transaction rpc, the admin's list, and check-backs
 * carried by the producer's {@code WatchTransactionChecks} stream, also after the broker restarted (the stream is
 * renewed). The broker's clock is injected and advanced by hand.
 */
@Timeout(60)
class GrpcTransactionTest
{
    static final String TOPIC = "payments";
    static final String GROUP = "payers";
    static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldCommitRollBackAndAnswerChecksOverTheWireAlsoAfterTheBrokerRestarts()
    {
        clock.update(System.currentTimeMillis());
        final GrpcTransportConfig plaintext = GrpcTransportConfig.builder().plaintext().build();
        try (GrpcCluster cluster = new GrpcCluster(plaintext, plaintext, dir, broker -> broker.clock(clock)))
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of(TOPIC, 2));
            final TransactionProducer producer = client.newTransactionProducer(ProducerConfig.builder(GROUP).build(),
                (message, id) -> text(message.body()).startsWith("commit") ? TransactionResolution.COMMIT :
                    TransactionResolution.ROLLBACK);
            final Transaction committed = producer.begin(Message.builder(TOPIC).key("k1").body("committed").build());
            final Transaction rolledBack = producer.begin(Message.builder(TOPIC).body("rolled back").build());
            producer.begin(Message.builder(TOPIC).body("commit by check").build());
            producer.begin(Message.builder(TOPIC).body("roll back by check").build());
            assertEquals(4, client.admin().transactions(GROUP).size());
            assertEquals(TransactionInfo.State.OPEN, client.admin().transactions(GROUP).get(0).state());

            committed.commit();
            committed.commit();
            rolledBack.rollback();
            assertThrows(InvalidArgumentException.class, rolledBack::commit);
            final PullConsumer consumer = consumer(cluster.newClient());
            final List<ReceivedMessage> first = pollUntil(consumer, 1);
            assertEquals(List.of("committed"), texts(first));
            assertEquals(committed.messageId(), first.get(0).messageId());
            assertEquals(List.of("k1"), first.get(0).keys());

            cluster.stopBroker();
            cluster.startBroker(); // the producer's check stream is renewed
            Await.until(() -> cluster.served.callsOpen("WatchTransactionChecks") == 1,
                () -> "the check stream was not renewed");
            clock.advance(30_000);
            assertEquals(List.of("commit by check"), texts(pollUntil(consumer, 1)));
            Await.until(() -> client.admin().transactions(GROUP).isEmpty(),
                () -> "open: " + client.admin().transactions(GROUP));
            assertEquals(List.of(), texts(consumer.poll(Duration.ofMillis(300))), "nothing else delivered");
            producer.close();
            Await.until(() -> cluster.served.callsOpen("WatchTransactionChecks") == 0,
                () -> "the check stream stays open after close");
        }
    }

    static PullConsumer consumer(final RockletClient client)
    {
        final PullConsumer consumer = client.newPullConsumer(PullConsumerConfig.builder("readers")
            .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build());
        consumer.assign(consumer.queues(TOPIC));
        return consumer;
    }

    static List<ReceivedMessage> pollUntil(final PullConsumer consumer, final int count)
    {
        final List<ReceivedMessage> received = new ArrayList<>();
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (received.size() < count && System.nanoTime() < deadline)
        {
            received.addAll(consumer.poll(Duration.ofMillis(200)));
        }
        return received;
    }

    static List<String> texts(final List<ReceivedMessage> messages)
    {
        return messages.stream().map(m -> text(m.bodyBytes())).toList();
    }

    static String text(final byte[] body)
    {
        return new String(body, StandardCharsets.UTF_8);
    }
}

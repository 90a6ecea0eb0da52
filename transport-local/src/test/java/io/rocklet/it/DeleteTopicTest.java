package io.rocklet.it;

import io.rocklet.api.Admin;
import io.rocklet.api.Message;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A deleted topic created again starts empty (F3): its queues restart at offset 0 and none of the messages stored
 * before the delete comes back - not by pull, by key or by id, not after the broker restarts.
 */
@Timeout(60)
class DeleteTopicTest
{
    private static final String TOPIC = "recycled";
    private static final String KEY = "order-1";

    @TempDir
    Path data;

    @Test
    void shouldStartEmptyAndResurrectNothingWhenADeletedTopicIsCreatedAgain() throws Exception
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("a", data);
            Admin admin = cluster.newClient().admin();
            admin.createTopic(TopicConfig.of(TOPIC, 2));
            final List<String> oldIds = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                final SendReceipt sent = send(cluster, "old-" + i);
                oldIds.add(sent.messageId());
                oldIds.add(admin.messageById(sent.messageId()).orElseThrow().offsetMessageId());
            }
            assertEquals(4, admin.messagesByKey(TOPIC, KEY, 0, Long.MAX_VALUE, 10).size());

            admin.deleteTopic(TOPIC);
            admin.createTopic(TopicConfig.of(TOPIC, 2));

            assertEquals(List.of(0L, 0L), maxOffsets(admin), "queues restart at 0");
            assertNothingOld(cluster, admin, oldIds);
            final SendReceipt fresh = send(cluster, "new");
            assertEquals(0, fresh.queueOffset(), "the first message of the new topic");
            assertEquals(List.of("new"), bodies(admin.messagesByKey(TOPIC, KEY, 0, Long.MAX_VALUE, 10)));

            cluster.stopBroker("a");
            cluster.startBroker("a", data);
            admin = cluster.newClient().admin();

            assertEquals(1L, maxOffsets(admin).stream().mapToLong(Long::longValue).sum(), "after restart");
            assertEquals(List.of("new"), bodies(admin.messagesByKey(TOPIC, KEY, 0, Long.MAX_VALUE, 10)),
                "after restart");
            assertEquals("new", admin.messageById(fresh.messageId()).orElseThrow().bodyText());
            for (final String id : oldIds)
            {
                assertEquals(Optional.empty(), admin.messageById(id), "after restart: id=" + id);
            }
            final PullResult pulled = pull(cluster.broker("a"), fresh.queue().queueId());
            assertEquals(List.of("new"), pulled.messages().stream()
                .map(view -> new String(view.bodyBytes())).toList(), "after restart");
        }
    }

    private static void assertNothingOld(final HandBuiltCluster cluster, final Admin admin, final List<String> oldIds)
        throws Exception
    {
        for (int queueId = 0; queueId < 2; queueId++)
        {
            final PullResult pulled = pull(cluster.broker("a"), queueId);
            assertEquals(PullStatus.NO_NEW_MESSAGES, pulled.status(), "queue " + queueId + ": " + pulled);
            assertEquals(0, pulled.maxOffset());
        }
        assertEquals(List.of(), admin.messagesByKey(TOPIC, KEY, 0, Long.MAX_VALUE, 10), "by key");
        for (final String id : oldIds)
        {
            assertEquals(Optional.empty(), admin.messageById(id), "by id: id=" + id);
        }
    }

    private static SendReceipt send(final HandBuiltCluster cluster, final String body)
    {
        return cluster.newClient().newProducer(ProducerConfig.builder("pg").build())
            .send(Message.builder(TOPIC).key(KEY).body(body).build());
    }

    private static PullResult pull(final BrokerService broker, final int queueId) throws Exception
    {
        return broker.pull(new PullRequest("reader", TOPIC, queueId, 0, 32, "*", 0)).get(10, TimeUnit.SECONDS);
    }

    private static List<Long> maxOffsets(final Admin admin)
    {
        return admin.queueStats(TOPIC).stream().map(QueueStats::maxOffset).toList();
    }

    private static List<String> bodies(final List<MessageDetail> messages)
    {
        return messages.stream().map(MessageDetail::bodyText).toList();
    }
}

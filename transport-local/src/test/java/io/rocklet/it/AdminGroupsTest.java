package io.rocklet.it;

import io.rocklet.api.Admin;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.ConsumerProgress;
import io.rocklet.api.admin.GroupInfo;
import io.rocklet.api.admin.GroupMember;
import io.rocklet.api.admin.QueueProgress;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumer-group administration through {@link Admin} on a real broker: groups and their live members, progress
 * and lag per queue, resets by time (clamped to the retained range), to FIRST and LAST, and GROUP_NOT_FOUND for a
 * group no broker knows.
 */
@Timeout(60)
class AdminGroupsTest
{
    private static final String TOPIC = "orders";

    @Test
    void shouldListGroupsAndTheirLiveMembersWhenConsumersRun(@TempDir final Path offsets)
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final RockletClient first = rocklet.newClient();
            final RockletClient second = rocklet.newClient();
            final PushConsumer one = consumer(first, "g-members", "A || B", MessageModel.CLUSTERING, offsets);
            final PushConsumer two = consumer(second, "g-members", "A || B", MessageModel.CLUSTERING, offsets);
            consumer(rocklet.newClient(), "g-bcast", "*", MessageModel.BROADCASTING, offsets);
            final Admin admin = rocklet.admin();

            final List<GroupMember> members = admin.members("g-members");
            assertEquals(List.of(first.clientId(), second.clientId()).stream().sorted().toList(),
                members.stream().map(GroupMember::clientId).toList());
            for (final GroupMember member : members)
            {
                assertEquals(MessageModel.CLUSTERING, member.messageModel());
                assertEquals(ConsumeFrom.FIRST, member.consumeFrom());
                assertEquals("A || B", member.subscriptions().get(TOPIC));
                assertEquals(Set.of("broker-rocklet"), member.brokers());
                assertTrue(member.sinceLastHeartbeat().compareTo(Duration.ofMinutes(2)) < 0, member.toString());
            }
            assertEquals(MessageModel.BROADCASTING, admin.members("g-bcast").get(0).messageModel());

            final GroupInfo group = find(admin.groups(), "g-members");
            assertEquals(members.stream().map(GroupMember::clientId).toList(), group.clientIds());
            assertTrue(group.topics().containsAll(Set.of(TOPIC, SystemTopics.retryTopic("g-members"))),
                group.topics().toString());
            assertEquals(Set.of("broker-rocklet"), group.brokers());
            assertEquals(1, find(admin.groups(), "g-bcast").clientIds().size());

            two.close();
            assertEquals(List.of(first.clientId()), admin.members("g-members").stream().map(GroupMember::clientId)
                .toList(), "a closed member leaves at once");
            one.close();
            assertEquals(List.of(), admin.members("g-members"), "a group without members is still known");
        }
    }

    @Test
    void shouldReportLagPerQueueAndFollowResetsWhenTheGroupFallsBehind()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final Producer producer = rocklet.newProducer("pg");
            send(producer, "consumed", 10);
            consumeAllAndCommit(rocklet, "g-lag", 10);
            AdminExpect.tick();
            final List<SendReceipt> behind = send(producer, "behind", 6);
            final Admin admin = rocklet.admin();

            final ConsumerProgress progress = admin.progress("g-lag");
            assertEquals("g-lag", progress.group());
            assertEquals(6, progress.lag(TOPIC));
            final List<QueueStats> stats = admin.queueStats(TOPIC);
            final List<QueueProgress> queues = progress.queues().stream()
                .filter(q -> q.queue().topic().equals(TOPIC)).toList();
            assertEquals(stats.stream().map(QueueStats::queue).toList(), queues.stream().map(QueueProgress::queue)
                .toList());
            for (int i = 0; i < queues.size(); i++)
            {
                final QueueProgress queue = queues.get(i);
                assertEquals(stats.get(i).maxOffset(), queue.brokerOffset(), queue.toString());
                assertEquals(queue.brokerOffset() - queue.consumerOffset(), queue.lag(), queue.toString());
                assertEquals(behind.stream().filter(r -> r.queue().equals(queue.queue())).count(), queue.lag());
            }

            admin.resetOffsets("g-lag", TOPIC, ConsumeFrom.Position.FIRST);
            assertEquals(16, admin.progress("g-lag").lag(TOPIC), "back to the first message");
            admin.resetOffsets("g-lag", TOPIC, ConsumeFrom.Position.LAST);
            assertEquals(0, admin.progress("g-lag").lag(TOPIC), "forward to the end");
            final long firstBehind = admin.messageById(behind.get(0).messageId()).orElseThrow().storeTimestampMs();
            final Map<MessageQueue, Long> reset = admin.resetOffsets("g-lag", TOPIC, firstBehind);
            assertEquals(6, admin.progress("g-lag").lag(TOPIC), "back to the time the 'behind' ones were stored");
            for (final QueueProgress queue : admin.progress("g-lag").queues())
            {
                if (queue.queue().topic().equals(TOPIC))
                {
                    assertEquals(reset.get(queue.queue()), queue.consumerOffset(), queue.toString());
                }
            }
        }
    }

    @Test
    void shouldClampResetToTheRetainedRangeWhenTheTimeIsOutsideIt()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder()
            .store(store -> store.segmentSizeBytes(64 * 1024).maxBodyBytes(8 * 1024)
                .fileReservedTime(Duration.ofMillis(1)).retentionCheckInterval(Duration.ofMillis(10))
                .flushInterval(Duration.ofMillis(5)).flushMinDirtyPages(0))
            .broker(broker -> broker.maxBodyBytes(8 * 1024))
            .start())
        {
            rocklet.createTopic(TOPIC, 1);
            final Producer producer = rocklet.newProducer("pg");
            final String kilobyte = "x".repeat(1024);
            final List<SendReceipt> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                sent.add(producer.send(Message.builder(TOPIC).body(kilobyte).build()));
            }
            consumeAllAndCommit(rocklet, "g-retained", 1);
            final Admin admin = rocklet.admin();
            Await.until(() -> admin.queueStats(TOPIC).get(0).minOffset() > 0,
                () -> "retention deletes the oldest segments: " + admin.queueStats(TOPIC));
            final MessageQueue queue = sent.get(0).queue();

            final long minBefore = admin.queueStats(TOPIC).get(0).minOffset();
            final long toEpoch = admin.resetOffsets("g-retained", TOPIC, 0L).get(queue);
            // retention may go on deleting meanwhile, and trims the consume queue after the log: wait for the trim
            Await.until(() -> admin.queueStats(TOPIC).get(0).minOffset() >= toEpoch,
                () -> "the queue's minimum reaches the reset offset " + toEpoch + ": " + admin.queueStats(TOPIC));
            final long minAfter = admin.queueStats(TOPIC).get(0).minOffset();
            assertTrue(toEpoch >= minBefore && toEpoch <= minAfter && toEpoch > 0,
                "a time before the oldest retained message resets to the first retained offset: reset=" + toEpoch +
                    ", min " + minBefore + ".." + minAfter);
            assertEquals(toEpoch, committed(admin, "g-retained", queue));

            final long future = System.currentTimeMillis() + Duration.ofDays(365).toMillis();
            assertEquals(200L, admin.resetOffsets("g-retained", TOPIC, future).get(queue),
                "a time after the newest message resets to the end");
            assertEquals(200L, committed(admin, "g-retained", queue));
            AdminExpect.invalid("timestampMs=-1", () -> admin.resetOffsets("g-retained", TOPIC, -1L));
        }
    }

    @Test
    void shouldReportProgressFromTheBrokersThatKnowTheGroupWhenThereAreTwo()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("a", UnaryOperator.identity());
            cluster.startBroker("b", UnaryOperator.identity());
            final Admin admin = cluster.newClient().admin();
            admin.createTopic(TopicConfig.of(TOPIC, 1), List.of("a"));
            admin.createTopic(TopicConfig.of("elsewhere", 1), List.of("b"));
            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("pg").build());
            send(producer, "m", 3);
            try (PullConsumer reader = cluster.newClient().newPullConsumer(PullConsumerConfig.builder("g-two")
                .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build()))
            {
                final MessageQueue queue = reader.queues(TOPIC).get(0);
                reader.assign(List.of(queue));
                reader.commit(queue, 1);
            }

            final ConsumerProgress progress = admin.progress("g-two");
            assertEquals(List.of(QueueProgress.of(new MessageQueue(TOPIC, "a", 0), 0, 3, 1)), progress.queues()
                .stream().filter(q -> !SystemTopics.isSystem(q.queue().topic())).toList(), "broker b does not know it");
            assertEquals(2, progress.totalLag());
            assertEquals(Set.of("a"), find(admin.groups(), "g-two").brokers());
        }
    }

    @Test
    void shouldAnswerGroupNotFoundWhenNoBrokerKnowsTheGroup()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 1);
            final Admin admin = rocklet.admin();
            final String named = "group=nobody";
            AdminExpect.failure(ErrorCode.GROUP_NOT_FOUND, named, () -> admin.members("nobody"));
            AdminExpect.failure(ErrorCode.GROUP_NOT_FOUND, named, () -> admin.progress("nobody"));
            AdminExpect.failure(ErrorCode.GROUP_NOT_FOUND, named, () -> admin.resetOffsets("nobody", TOPIC, 0L));
            AdminExpect.failure(ErrorCode.GROUP_NOT_FOUND, named,
                () -> admin.resetOffsets("nobody", TOPIC, ConsumeFrom.Position.LAST));
            AdminExpect.failure(ErrorCode.GROUP_NOT_FOUND, named, () -> admin.deadLetters("nobody", 10));
            AdminExpect.failure(ErrorCode.GROUP_NOT_FOUND, named, () -> admin.resendDeadLetters("nobody"));
            AdminExpect.failure(ErrorCode.GROUP_NOT_FOUND, named,
                () -> admin.resendDeadLetter("nobody", "000000000000000000000000"));
            assertTrue(admin.groups().stream().noneMatch(group -> group.group().equals("nobody")));
        }
    }

    private static PushConsumer consumer(final RockletClient client, final String group, final String tags,
        final MessageModel model, final Path offsets)
    {
        return client.newPushConsumer(PushConsumerConfig.builder(group)
            .subscribe(TOPIC, tags)
            .messageModel(model)
            .consumeFrom(ConsumeFrom.FIRST)
            .offsetStoreDirectory(offsets)
            .listener(messages -> ConsumeResult.SUCCESS)
            .build());
    }

    /**
     * Reads {@code count} messages of every queue from the first with a pull consumer of {@code group} and commits.
     */
    private static void consumeAllAndCommit(final EmbeddedRocklet rocklet, final String group, final int count)
    {
        try (PullConsumer reader = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder(group)
            .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build()))
        {
            reader.assign(reader.queues(TOPIC));
            final List<ReceivedMessage> read = new ArrayList<>();
            Await.until(() ->
            {
                read.addAll(reader.poll(Duration.ofMillis(100)));
                return read.size() >= count;
            }, () -> "read " + read.size() + " of " + count);
            reader.commit();
        }
    }

    private static long committed(final Admin admin, final String group, final MessageQueue queue)
    {
        return admin.progress(group).queues().stream().filter(q -> q.queue().equals(queue)).findFirst()
            .orElseThrow().consumerOffset();
    }

    private static List<SendReceipt> send(final Producer producer, final String prefix, final int count)
    {
        final List<SendReceipt> receipts = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            receipts.add(producer.send(Message.builder(TOPIC).body(prefix + i).build()));
        }
        return receipts;
    }

    private static GroupInfo find(final List<GroupInfo> groups, final String name)
    {
        return groups.stream().filter(group -> group.group().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no group " + name + " in " + groups));
    }
}

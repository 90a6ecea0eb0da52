package io.rocklet.broker;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageView;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.BrokerStatus;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.GroupState;
import io.rocklet.api.spi.BrokerService.KeyQuery;
import io.rocklet.api.spi.BrokerService.QueueConsumeState;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.api.spi.BrokerService.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The broker's administration queries (the SPI calls behind {@code Admin}): known groups, a group's progress,
 * a topic's offsets, messages by id and by key, and the broker's status - each answering only once acknowledged
 * sends are readable, and with the error codes the admin relies on.
 */
@Timeout(60)
class BrokerAdminQueriesTest
{
    @TempDir
    Path dir;
    BrokerFixture fixture;
    Broker broker;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir);
        broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 2)));
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldKnowAGroupByItsMembersOffsetsOrRetryTopicWhenListingGroups()
    {
        heartbeat("client-1", "g-live");
        commit("g-offsets", "orders", 0, 3);

        final List<GroupState> groups = await(broker.consumerGroups());
        assertEquals(List.of("g-live", "g-offsets"), groups.stream().map(GroupState::group).toList());
        final GroupState live = groups.get(0);
        assertEquals(List.of("client-1"), live.members().stream().map(member -> member.clientId()).toList());
        assertEquals(Map.of("orders", "*"), live.members().get(0).registration().subscriptions());
        assertEquals(List.of("%RETRY%g-live"), live.topics(), "its retry topic, made at the heartbeat");
        assertEquals(new GroupState("g-offsets", List.of(), List.of("orders")), groups.get(1));

        await(broker.unregisterClient("client-1", "g-live"));
        assertEquals(List.of(), await(broker.consumerGroups()).get(0).members(), "known by its retry topic still");
    }

    @Test
    void shouldReportEveryQueueOfTheGroupsTopicsOnceSendsAreReadable()
    {
        heartbeat("client-1", "g");
        commit("g", "orders", 0, 1);
        fixture.send("orders", 0, "a");
        fixture.send("orders", 0, "b");
        fixture.send("orders", 1, "c");

        final CompletableFuture<List<QueueConsumeState>> progress = broker.consumerProgress("g");
        assertFalse(progress.isDone(), "waits for the dispatcher");
        fixture.drain();
        assertEquals(List.of(new QueueConsumeState("%RETRY%g", 0, 0, 0, -1),
            new QueueConsumeState("orders", 0, 0, 2, 1), new QueueConsumeState("orders", 1, 0, 1, -1)),
            await(progress));
        final String error = failure(broker.consumerProgress("nobody")).getMessage();
        assertEquals(ErrorCode.GROUP_NOT_FOUND, failure(broker.consumerProgress("nobody")).errorCode());
        assertTrue(error.contains("group=nobody"), error);
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.consumerProgress("bad group")).errorCode());
    }

    @Test
    void shouldAnswerEveryQueuesOffsetsWhenAskedForTopicOffsets()
    {
        fixture.send("orders", 1, "a");
        fixture.drain();

        assertEquals(Map.of(0, new QueueOffsets(0, 0), 1, new QueueOffsets(0, 1)),
            await(broker.topicOffsets("orders")));
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, failure(broker.topicOffsets("missing")).errorCode());
    }

    @Test
    void shouldFindMessagesByIdAndByKeyWithinATimeRange()
    {
        final long start = fixture.clock.time();
        final SendResult first = fixture.send(Message.builder("orders").key("k-1").property("p", "v").body("one")
            .build(), 0, 0);
        fixture.advance(Duration.ofMillis(10));
        final SendResult second = fixture.send(Message.builder("orders").key("k-1").body("two").build(), 1, 0);
        fixture.drain();

        final List<MessageView> byId = await(broker.messageById(first.messageId()));
        assertEquals("one", text(byId.get(0)));
        assertEquals("v", byId.get(0).properties().get("p"));
        assertEquals(List.of(), await(broker.messageById(first.messageId().substring(0, 8) + "0000000FFFFFFFFF")));
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.messageById("xyz")).errorCode());

        assertEquals(List.of(first.messageId(), second.messageId()), ids(await(broker.messagesByKey(
            new KeyQuery("orders", "k-1", 0, Long.MAX_VALUE, 10)))));
        assertEquals(List.of(second.messageId()), ids(await(broker.messagesByKey(
            new KeyQuery("orders", "k-1", start + 5, Long.MAX_VALUE, 10)))));
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, failure(broker.messagesByKey(
            new KeyQuery("missing", "k-1", 0, 1, 1))).errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.messagesByKey(
            new KeyQuery("orders", "k-1", 5, 1, 1))).errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.messagesByKey(
            new KeyQuery("orders", "k-1", 0, 1, 0))).errorCode());
    }

    @Test
    void shouldReportItsStateWhenAskedForStatus()
    {
        heartbeat("client-1", "g");

        final BrokerStatus status = await(broker.status());
        assertEquals(await(broker.identity()), status.identity());
        assertEquals(fixture.clock.time(), status.startedMs());
        assertEquals(2, status.topicCount(), "orders and %RETRY%g");
        assertEquals(1, status.groupCount());
        assertEquals(1, status.clientCount());
        assertTrue(status.writable());
    }

    private void heartbeat(final String clientId, final String group)
    {
        await(broker.heartbeat(new ClientHeartbeat(clientId, List.of(new ConsumerRegistration(group,
            MessageModel.CLUSTERING, ConsumeFrom.LAST, Map.of("orders", "*"))), List.of())));
    }

    private void commit(final String group, final String topic, final int queueId, final long offset)
    {
        await(broker.commitOffsets(new CommitOffsetsRequest(group, List.of(new QueueOffset(topic, queueId,
            offset)))));
    }

    private static List<String> ids(final List<MessageView> messages)
    {
        return messages.stream().map(MessageView::messageId).toList();
    }
}

package io.rocklet.broker;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageModel;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Committed offsets: commit and query, persistence across a restart, and resets by position or time.
 */
@Timeout(60)
class BrokerOffsetsTest
{
    @TempDir
    Path dir;
    BrokerFixture fixture;
    Broker broker;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir);
        fixture.config.offsetPersistInterval(Duration.ofSeconds(5));
        broker = fixture.start();
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldReturnCommittedOffsetWhenQueried()
    {
        assertEquals(-1L, await(broker.queryOffset("group-a", "orders", 0)), "none yet");

        commit("group-a", "orders", 0, 7);
        commit("group-a", "orders", 0, 9);
        commit("group-a", "orders", 1, 3);

        assertEquals(9L, await(broker.queryOffset("group-a", "orders", 0)));
        assertEquals(3L, await(broker.queryOffset("group-a", "orders", 1)));
        assertEquals(-1L, await(broker.queryOffset("group-b", "orders", 0)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.commitOffsets(new CommitOffsetsRequest("group-a",
            List.of(new QueueOffset("orders", 0, -1))))).errorCode());
    }

    @Test
    void shouldKeepOffsetsWhenBrokerRestarts()
    {
        commit("group-a", "orders", 0, 7);
        commit("group-b", "%RETRY%group-b", 0, 2);
        fixture.advance(Duration.ofSeconds(5));
        fixture.drain();
        assertTrue(Files.exists(dir.resolve("store/broker/consumerOffsets")), "persisted on the interval");
        commit("group-a", "orders", 1, 11);

        broker = fixture.restart();

        assertEquals(7L, await(broker.queryOffset("group-a", "orders", 0)));
        assertEquals(11L, await(broker.queryOffset("group-a", "orders", 1)), "persisted on close");
        assertEquals(2L, await(broker.queryOffset("group-b", "%RETRY%group-b", 0)));
    }

    @Test
    void shouldResetOffsetsBackAndForwardWhenAsked()
    {
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 2)));
        final long start = fixture.clock.time();
        for (int i = 0; i < 4; i++)
        {
            fixture.send("orders", 0, "m" + i);
            fixture.advance(Duration.ofMillis(10));
        }
        fixture.send("orders", 1, "late");
        fixture.drain();
        commit("group-a", "orders", 0, 2);
        final List<GroupEvent> events = new CopyOnWriteArrayList<>();
        broker.watchGroup("group-a", "watcher", events::add);

        assertEquals(Map.of(0, 0L, 1, 0L), reset(ConsumeFrom.Position.FIRST, 0));
        assertEquals(0L, await(broker.queryOffset("group-a", "orders", 0)));
        assertEquals(Map.of(0, 4L, 1, 1L), reset(ConsumeFrom.Position.LAST, 0));
        assertEquals(Map.of(0, 1L, 1, 0L), reset(ConsumeFrom.Position.TIMESTAMP, start + 10), "back in time");
        assertEquals(Map.of(0, 3L, 1, 0L), reset(ConsumeFrom.Position.TIMESTAMP, start + 25), "forward in time");
        assertEquals(Map.of(0, 4L, 1, 1L), reset(ConsumeFrom.Position.TIMESTAMP, start + 1_000), "after all");

        assertEquals(4L, await(broker.queryOffset("group-a", "orders", 0)));
        assertEquals(5, events.size());
        assertTrue(events.stream().allMatch(e -> e.kind() == GroupEvent.Kind.OFFSETS_RESET));
        assertEquals(new GroupEvent("group-a", GroupEvent.Kind.OFFSETS_RESET, "orders", Map.of(0, 4L, 1, 1L)),
            events.get(4), "the event names the topic and the new offsets");
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, failure(broker.resetOffsets(new ResetOffsetsRequest("group-a",
            "missing", ConsumeFrom.Position.FIRST, 0))).errorCode());
    }

    @Test
    void shouldAnswerQueueOffsetsAndSearchByTime()
    {
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        final long start = fixture.clock.time();
        fixture.send("orders", 0, "m0");
        fixture.advance(Duration.ofMillis(10));
        fixture.send("orders", 0, "m1");
        fixture.drain();

        assertEquals(new QueueOffsets(0, 2), await(broker.queueOffsets("orders", 0)));
        assertEquals(1L, await(broker.searchOffset("orders", 0, start + 5)));
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, failure(broker.queueOffsets("missing", 0)).errorCode());
    }

    @Test
    void shouldCountEveryAcknowledgedSendInTheMaxOffsetWhenTheDispatcherLags()
    {
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        fixture.send("orders", 0, "m0");
        fixture.send("orders", 0, "m1"); // acknowledged, not yet in the consume queue (the agents have not run)

        final CompletableFuture<QueueOffsets> offsets = broker.queueOffsets("orders", 0);
        final CompletableFuture<Map<Integer, Long>> reset = broker.resetOffsets(new ResetOffsetsRequest("group-a",
            "orders", ConsumeFrom.Position.LAST, 0));
        final CompletableFuture<Long> search = broker.searchOffset("orders", 0, fixture.clock.time() + 1);
        assertFalse(offsets.isDone() || reset.isDone() || search.isDone(), "answered before the dispatcher caught up");
        fixture.drain();

        assertEquals(new QueueOffsets(0, 2), await(offsets));
        assertEquals(Map.of(0, 2L), await(reset));
        assertEquals(2L, await(search), "both were stored before the time");
    }

    @Test
    void shouldForgetOffsetsWhenTopicIsDeleted()
    {
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        commit("group-a", "orders", 0, 5);

        await(broker.deleteTopic("orders"));

        assertEquals(-1L, await(broker.queryOffset("group-a", "orders", 0)));
    }

    @Test
    void shouldStartAQueueAtItsFirstMessageWhenItHeldNothingWhenTheGroupFirstSubscribed()
    {
        await(broker.createOrUpdateTopic(TopicConfig.of("old", 1)));
        fixture.send("old", 0, "stored before the group subscribed");
        fixture.advance(Duration.ofMillis(10));
        final long subscribedMs = fixture.clock.time();
        fixture.advance(Duration.ofMillis(10));
        // the broker hears of the group only after the first send created "fresh" (the README's first snippet)
        fixture.send("fresh", 0, "created by the first send");
        fixture.send("fresh", 1, "created by the first send");
        fixture.advance(Duration.ofMillis(10));
        heartbeat("group-a", ConsumeFrom.LAST, subscribedMs);

        final CompletableFuture<Long> fresh = broker.queryOffset("group-a", "fresh", 0);
        assertFalse(fresh.isDone(), "answered once the acknowledged sends are readable");
        fixture.drain();
        assertEquals(0L, await(fresh), "a queue that did not exist when the group subscribed: from its start");
        assertEquals(-1L, await(broker.queryOffset("group-a", "old", 0)), "a queue that existed: consumeFrom decides");
        assertEquals(-1L, await(broker.queryOffset("group-a", "fresh", 2)), "nothing stored yet");
        assertEquals(-1L, await(broker.queryOffset("group-b", "fresh", 0)), "a group the broker never heard of");
        commit("group-a", "fresh", 1, 1);
        assertEquals(1L, await(broker.queryOffset("group-a", "fresh", 1)), "a committed offset comes first");

        heartbeat("group-a", ConsumeFrom.LAST, subscribedMs + 60_000); // a member that subscribed later
        fixture.advance(Duration.ofSeconds(5));
        fixture.drain();
        broker = fixture.restart();
        fixture.drain();
        assertEquals(0L, await(broker.queryOffset("group-a", "fresh", 0)), "the first subscription is persisted");
        assertTrue(Files.exists(dir.resolve("store/broker/subscriptions")));
    }

    @Test
    void shouldLeaveATimestampStartToTheConsumerWhenTheQueueIsNewToTheGroup()
    {
        final long subscribedMs = fixture.clock.time();
        fixture.advance(Duration.ofMillis(10));
        fixture.send("fresh", 0, "m");
        fixture.drain();

        heartbeat("group-a", ConsumeFrom.timestamp(subscribedMs + 60_000), subscribedMs);

        assertEquals(-1L, await(broker.queryOffset("group-a", "fresh", 0)));
    }

    private void heartbeat(final String group, final ConsumeFrom from, final long subscribedMs)
    {
        await(broker.heartbeat(new ClientHeartbeat("client-" + subscribedMs, List.of(new ConsumerRegistration(group,
            MessageModel.CLUSTERING, from, Map.of("fresh", "*", "old", "*"), subscribedMs)), List.of())));
    }

    private void commit(final String group, final String topic, final int queueId, final long offset)
    {
        await(broker.commitOffsets(new CommitOffsetsRequest(group, List.of(new QueueOffset(topic, queueId,
            offset)))));
    }

    private Map<Integer, Long> reset(final ConsumeFrom.Position position, final long timestampMs)
    {
        return await(broker.resetOffsets(new ResetOffsetsRequest("group-a", "orders", position, timestampMs)));
    }
}

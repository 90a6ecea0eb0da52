package io.rocklet.broker;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageModel;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.LockRequest;
import io.rocklet.api.spi.BrokerService.QueueRef;
import io.rocklet.api.spi.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Consumer groups, client liveness, group watches and orderly-consumption queue locks.
 */
@Timeout(60)
class BrokerGroupsTest
{
    private static final GroupEvent CHANGED = new GroupEvent("group-a", GroupEvent.Kind.MEMBERS_CHANGED);

    @TempDir
    Path dir;
    BrokerFixture fixture;
    Broker broker;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir);
        fixture.config.clientExpiry(Duration.ofSeconds(120)).queueLockExpiry(Duration.ofSeconds(60));
        broker = fixture.start();
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldListMembersSortedWhenClientsHeartbeat()
    {
        heartbeat("client-b", "group-a");
        heartbeat("client-a", "group-a");
        heartbeat("client-c", "group-b");

        assertEquals(List.of("client-a", "client-b"), await(broker.groupMembers("group-a")));
        assertEquals(List.of("client-c"), await(broker.groupMembers("group-b")));
        assertEquals(List.of(), await(broker.groupMembers("unknown")));
    }

    @Test
    void shouldCreateRetryTopicWhenClusteringGroupHeartbeats()
    {
        heartbeat("client-a", "group-a");
        await(broker.heartbeat(new ClientHeartbeat("client-b", List.of(new ConsumerRegistration("group-b",
            MessageModel.BROADCASTING, ConsumeFrom.LAST, Map.of("orders", "*"))), List.of())));

        assertEquals(List.of(TopicConfig.of("%RETRY%group-a", 1)), await(broker.topics()));
    }

    @Test
    void shouldNotifyWatchersWhenMembersJoinLeaveOrExpire()
    {
        final List<GroupEvent> events = new CopyOnWriteArrayList<>();
        broker.watchGroup("group-a", "watcher", events::add);

        heartbeat("client-a", "group-a");
        heartbeat("client-a", "group-a");
        assertEquals(List.of(CHANGED), events, "joined; the same heartbeat again changes nothing");

        heartbeat("client-b", "group-a");
        await(broker.unregisterClient("client-b", "group-a"));
        assertEquals(List.of(CHANGED, CHANGED, CHANGED), events, "joined and left");
        assertEquals(List.of("client-a"), await(broker.groupMembers("group-a")));

        fixture.advance(Duration.ofSeconds(119));
        fixture.drain();
        assertEquals(List.of("client-a"), await(broker.groupMembers("group-a")), "not silent long enough");
        fixture.advance(Duration.ofSeconds(1));
        fixture.drain();
        assertEquals(List.of(), await(broker.groupMembers("group-a")), "expired");
        assertEquals(4, events.size());
    }

    @Test
    void shouldNotifyWatchersWhenSubscriptionsChange()
    {
        final List<GroupEvent> events = new CopyOnWriteArrayList<>();
        heartbeat("client-a", "group-a");
        broker.watchGroup("group-a", "watcher", events::add);

        await(broker.heartbeat(new ClientHeartbeat("client-a", List.of(new ConsumerRegistration("group-a",
            MessageModel.CLUSTERING, ConsumeFrom.LAST, Map.of("orders", "TagA"))), List.of())));

        assertEquals(List.of(CHANGED), events);
    }

    @Test
    void shouldKeepNotifyingOtherWatchersWhenOneFails()
    {
        final List<GroupEvent> events = new CopyOnWriteArrayList<>();
        broker.watchGroup("group-a", "bad", e ->
        {
            throw new IllegalStateException("watcher failure (expected by the test)");
        });
        final Subscription watch = broker.watchGroup("group-a", "good", events::add);

        heartbeat("client-a", "group-a");
        watch.close();
        watch.close();
        heartbeat("client-b", "group-a");

        assertEquals(List.of(CHANGED), events, "told once, then no more after close");
    }

    @Test
    void shouldKeepClientAliveWhenItHeartbeatsWithinExpiry()
    {
        heartbeat("client-a", "group-a");
        for (int i = 0; i < 3; i++)
        {
            fixture.advance(Duration.ofSeconds(100));
            heartbeat("client-a", "group-a");
            fixture.drain();
        }

        assertEquals(List.of("client-a"), await(broker.groupMembers("group-a")));
    }

    @Test
    void shouldGrantQueueToOneClientAtATimeWhenLocked()
    {
        final List<QueueRef> queues = List.of(new QueueRef("orders", 0), new QueueRef("orders", 1));

        assertEquals(queues, await(broker.lockQueues(new LockRequest("group-a", "client-a", queues))));
        assertEquals(List.of(new QueueRef("orders", 2)), await(broker.lockQueues(new LockRequest("group-a",
            "client-b", List.of(new QueueRef("orders", 1), new QueueRef("orders", 2))))), "queue 1 is held");
        assertEquals(queues, await(broker.lockQueues(new LockRequest("group-b", "client-b", queues))),
            "locks are per group");
        assertEquals(queues, await(broker.lockQueues(new LockRequest("group-a", "client-a", queues))), "renewal");

        await(broker.unlockQueues(new LockRequest("group-a", "client-a", List.of(new QueueRef("orders", 1)))));
        assertEquals(List.of(new QueueRef("orders", 1)), await(broker.lockQueues(new LockRequest("group-a",
            "client-b", List.of(new QueueRef("orders", 1))))));
    }

    @Test
    void shouldExpireQueueLockWhenNotRenewed()
    {
        final List<QueueRef> queue = List.of(new QueueRef("orders", 0));
        await(broker.lockQueues(new LockRequest("group-a", "client-a", queue)));

        fixture.advance(Duration.ofSeconds(40));
        assertEquals(queue, await(broker.lockQueues(new LockRequest("group-a", "client-a", queue))), "renewed");
        fixture.advance(Duration.ofSeconds(40));
        assertEquals(List.of(), await(broker.lockQueues(new LockRequest("group-a", "client-b", queue))),
            "the renewal extended the lock");
        fixture.advance(Duration.ofSeconds(20));
        fixture.drain();

        assertEquals(queue, await(broker.lockQueues(new LockRequest("group-a", "client-b", queue))), "expired");
    }

    @Test
    void shouldReleaseLocksWhenClientLeavesGroup()
    {
        final List<QueueRef> queue = List.of(new QueueRef("orders", 0));
        heartbeat("client-a", "group-a");
        await(broker.lockQueues(new LockRequest("group-a", "client-a", queue)));

        await(broker.unregisterClient("client-a", "group-a"));

        assertEquals(queue, await(broker.lockQueues(new LockRequest("group-a", "client-b", queue))));
    }

    @Test
    void shouldRejectMalformedGroupRequests()
    {
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.groupMembers("bad group")).errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.heartbeat(new ClientHeartbeat(" ", List.of(),
            List.of()))).errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.lockQueues(new LockRequest("group-a", null,
            List.of()))).errorCode());
        assertThrows(io.rocklet.api.InvalidArgumentException.class, () -> broker.watchGroup("group-a", "c", null));
    }

    private void heartbeat(final String clientId, final String group)
    {
        await(broker.heartbeat(new ClientHeartbeat(clientId, List.of(new ConsumerRegistration(group,
            MessageModel.CLUSTERING, ConsumeFrom.LAST, Map.of("orders", "*"))), List.of("producers"))));
    }
}

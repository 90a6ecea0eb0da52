package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Push consumers joining and leaving, offset resets, broker failures.
 */
@Timeout(60)
class PushConsumerRebalanceTest extends PushConsumerTestBase
{
    @Test
    void shouldRebalanceAtOnceAndCommitReleasedQueuesWhenMembersChange()
    {
        broker.createTopic("T4", 4);
        final FakeClientContext otherContext = otherClient("client-B");
        final PushConsumerConfig config = PushConsumerConfig.builder(GROUP).subscribe("T4", "*").listener(collect())
            .rebalanceInterval(Duration.ofMinutes(5)).persistOffsetInterval(Duration.ofMinutes(5)).build();
        final PushConsumerImpl first = start(context, config);
        assertEquals(4, first.assignment().size());
        for (int i = 0; i < 8; i++)
        {
            broker.append("T4", i % 4, "", "m" + i);
        }
        Await.until(() -> received.size() == 8, () -> "received=" + received.size());

        final PushConsumerImpl second = start(otherContext, config);

        Await.until(() -> first.assignment().size() == 2 && second.assignment().size() == 2,
            () -> "first=" + first.assignment() + ", second=" + second.assignment());
        for (final MessageQueue lost : second.assignment())
        {
            Await.until(() -> broker.committed(GROUP, "T4", lost.queueId()) == 2,
                () -> "released queue committed: " + lost);
        }
        for (int i = 0; i < 8; i++)
        {
            broker.append("T4", i % 4, "", "n" + i);
        }
        Await.until(() -> received.size() == 16, () -> "received=" + received.size());

        second.close();
        Await.until(() -> first.assignment().size() == 4, () -> "first=" + first.assignment());
        assertEquals(16, Set.copyOf(bodies()).size(), "no duplicates, nothing lost");
    }

    @Test
    void shouldTakeTheRetryQueueSoonWhenTheRetryTopicIsRoutedOnlyAfterTheFirstRebalance()
    {
        final PushConsumerImpl consumer = start(context, config(collect())
            .rebalanceInterval(Duration.ofMinutes(5)).build());
        assertEquals(Set.of(Q0, Q1), consumer.assignment(), "no route of the retry topic yet");

        broker.createTopic("%RETRY%" + GROUP, 1); // the routers learn of it a little after the first heartbeat

        final MessageQueue retry = new MessageQueue("%RETRY%" + GROUP, "b1", 0);
        Await.until(() -> consumer.assignment().contains(retry), Duration.ofSeconds(10),
            () -> "long before the rebalance interval: " + consumer.assignment());
    }

    @Test
    void shouldRestartFromTheBrokersOffsetsWhenTheGroupsOffsetsAreReset()
    {
        final PushConsumerImpl consumer = start(context, config(collect())
            .persistOffsetInterval(Duration.ofMinutes(5)).build());
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        Await.until(() -> received.size() == 10, () -> "received=" + received.size());

        broker.setCommitted(GROUP, "T", 0, 3);
        broker.fire(GROUP, GroupEvent.Kind.OFFSETS_RESET);

        Await.until(() -> received.size() == 17, () -> "received=" + bodies());
        assertEquals(List.of("m3", "m4", "m5", "m6", "m7", "m8", "m9"), bodies().subList(10, 17).stream().sorted()
            .toList());
        consumer.close();
        assertEquals(10, broker.committed(GROUP, "T", 0));
    }

    @Test
    void shouldRestartFromTheResetOffsetsWhenAnOldPositionWasCommittedAfterTheReset()
    {
        final PushConsumerImpl consumer = start(context, config(collect())
            .persistOffsetInterval(Duration.ofMinutes(5)).build());
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        Await.until(() -> received.size() == 10, () -> "received=" + received.size());

        // the reset set offset 3, then a commit of the member's old position overwrote it
        broker.setCommitted(GROUP, "T", 0, 10);
        broker.fire(new GroupEvent(GROUP, GroupEvent.Kind.OFFSETS_RESET, "T", Map.of(0, 3L, 1, 0L)));

        Await.until(() -> received.size() == 17, () -> "received=" + bodies());
        assertEquals(List.of("m3", "m4", "m5", "m6", "m7", "m8", "m9"), bodies().subList(10, 17).stream().sorted()
            .toList());
        consumer.close();
        assertEquals(10, broker.committed(GROUP, "T", 0));
    }

    @Test
    void shouldWatchTheGroupAgainWhenTheBrokerComesBackFromARestart()
    {
        broker.createTopic("T4", 4);
        final PushConsumerConfig config = PushConsumerConfig.builder(GROUP).subscribe("T4", "*").listener(collect())
            .rebalanceInterval(Duration.ofMinutes(5)).longPollTimeout(Duration.ofMillis(200)).build();
        final PushConsumerImpl first = start(context, config);
        assertEquals(4, first.assignment().size());

        broker.forgetWatchers();
        broker.failPulls = true;
        Await.until(() -> context.invalidations.get() > 0, () -> "pulls failed");
        broker.failPulls = false;
        Await.pause(100);
        final FakeClientContext otherContext = otherClient("client-B");
        start(otherContext, config);

        Await.until(() -> first.assignment().size() == 2, () -> "first=" + first.assignment());
    }

    @Test
    void shouldBackOffAndInvalidateTheRouteWhenPullsFail()
    {
        broker.failPulls = true;
        start(context, config(collect()).build());
        broker.append("T", 0, "", "x");

        Await.until(() -> context.invalidations.get() >= 2, () -> "invalidations=" + context.invalidations.get());
        final int pulls = broker.pullCount("T", 0);
        Await.pause(300);
        assertTrue(broker.pullCount("T", 0) - pulls <= 1, "backs off: pulls=" + broker.pullCount("T", 0));

        broker.failPulls = false;
        Await.until(() -> received.size() == 1, () -> "received=" + received);
    }

    @Test
    void shouldSendAPullAgainWhenItsAnswerNeverComes()
    {
        final FakeClientContext impatient = new FakeClientContext("client-C", Duration.ofMillis(100), broker);
        closeables.add(impatient);
        broker.swallowPulls = true;
        start(impatient, config(collect()).longPollTimeout(Duration.ofMillis(200)).build());
        Await.until(() -> broker.pullCount("T", 0) > 0, () -> "no pull yet");
        broker.swallowPulls = false;
        broker.append("T", 0, "", "x");
        impatient.clock.advance(Duration.ofSeconds(1).toNanos()); // past the long poll and two request timeouts

        Await.until(() -> received.size() == 1, () -> "received=" + received);
    }

    @Test
    void shouldShareQueuesOfEveryBrokerAndCommitToEachWhenATopicSpansBrokers()
    {
        final FakeBroker second = new FakeBroker("b2");
        second.createTopic("T", 2);
        final FakeClientContext a = new FakeClientContext("client-A2", broker, second);
        final FakeClientContext b = new FakeClientContext("client-B2", broker, second);
        closeables.add(a);
        closeables.add(b);
        final PushConsumerConfig config = config(collect()).rebalanceInterval(Duration.ofMinutes(5)).build();
        final PushConsumerImpl first = start(a, config);
        final PushConsumerImpl other = start(b, config);

        Await.until(() -> first.assignment().equals(Set.of(Q0, Q1)) &&
            other.assignment().equals(Set.of(new MessageQueue("T", "b2", 0), new MessageQueue("T", "b2", 1))),
            () -> "first=" + first.assignment() + ", other=" + other.assignment());
        for (int i = 0; i < 8; i++)
        {
            (i % 2 == 0 ? broker : second).append("T", i % 4 / 2, "", "m" + i);
        }

        Await.until(() -> received.size() == 8, () -> "received=" + bodies());
        Await.until(() -> broker.committed(GROUP, "T", 0) == 2 && second.committed(GROUP, "T", 1) == 2,
            () -> "committed per broker");
        assertEquals(8, Set.copyOf(bodies()).size());
    }
}

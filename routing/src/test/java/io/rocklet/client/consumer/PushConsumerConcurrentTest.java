package io.rocklet.client.consumer;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PushConsumerConcurrentTest
{
    private static final String GROUP = "g";

    private final FakeBroker broker = new FakeBroker("b1");
    private final FakeClientContext context = new FakeClientContext("client-A", broker);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<ReceivedMessage> received = new CopyOnWriteArrayList<>();

    PushConsumerConcurrentTest()
    {
        broker.createTopic("T", 2);
        closeables.add(context);
    }

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
    }

    private static PushConsumerConfig.Builder config(final MessageListener listener)
    {
        return PushConsumerConfig.builder(GROUP).subscribe("T", "*").listener(listener)
            .persistOffsetInterval(Duration.ofMillis(100)).longPollTimeout(Duration.ofSeconds(1))
            .suspendTime(Duration.ofMillis(50));
    }

    private MessageListener collect()
    {
        return messages ->
        {
            received.addAll(messages);
            return ConsumeResult.SUCCESS;
        };
    }

    private PushConsumerImpl start(final FakeClientContext ctx, final PushConsumerConfig config)
    {
        final PushConsumerImpl consumer = new PushConsumerImpl(ctx, config);
        closeables.add(consumer);
        return consumer;
    }

    private List<String> bodies()
    {
        return received.stream().map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList();
    }

    private static final MessageQueue Q0 = new MessageQueue("T", "b1", 0);
    private static final MessageQueue Q1 = new MessageQueue("T", "b1", 1);

    @Test
    void shouldDeliverEachMessageOnceAndCommitItWhenNothingFails()
    {
        final PushConsumerImpl consumer = start(context, config(collect()).consumeBatchSize(3).build());
        assertEquals(Set.of(Q0, Q1), consumer.assignment(), "the retry topic does not exist yet");
        for (int i = 0; i < 100; i++)
        {
            broker.append("T", i % 2, "", "m" + i);
        }

        Await.until(() -> received.size() >= 100, () -> "received=" + received.size());
        Await.until(() -> broker.committed(GROUP, "T", 0) == 50 && broker.committed(GROUP, "T", 1) == 50,
            () -> "committed=" + broker.committed(GROUP, "T", 0) + "," + broker.committed(GROUP, "T", 1));
        Await.pause(100);

        assertEquals(100, received.size());
        assertEquals(100, Set.copyOf(bodies()).size(), "no duplicates");
        final ReceivedMessage first = received.stream().filter(m -> m.queueOffset() == 0 && m.queueId() == 0)
            .findFirst().orElseThrow();
        assertEquals(Q0, first.queue());
        assertEquals("T", first.topic());
        assertEquals(0, first.reconsumeTimes());
        assertEquals("*", context.registration(GROUP).subscriptions().get(SystemTopics.retryTopic(GROUP)),
            "clustering consumers subscribe to their retry topic");
    }

    @Test
    void shouldCommitOnlyAcknowledgedOffsetsWhenAnEarlierCallIsStillRunning() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch blocked = new CountDownLatch(1);
        start(context, config(messages ->
        {
            if (messages.get(0).queueOffset() == 2)
            {
                blocked.countDown();
                await(release);
            }
            received.addAll(messages);
            return ConsumeResult.SUCCESS;
        }).build());
        for (int i = 0; i < 6; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }

        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        Await.until(() -> received.size() == 5, () -> "received=" + received.size());
        Await.pause(300);
        assertEquals(2, broker.committed(GROUP, "T", 0), "offset 2 is not acknowledged yet");

        release.countDown();
        Await.until(() -> broker.committed(GROUP, "T", 0) == 6, () -> "committed=" + broker.committed(GROUP, "T", 0));
    }

    @Test
    void shouldSendBackWithTheMessageIdOriginalTopicAndMaxWhenTheListenerAsksToReconsume()
    {
        start(context, config(messages -> messages.get(0).tag().equals("bad") ? ConsumeResult.RECONSUME_LATER :
            ConsumeResult.SUCCESS).maxReconsumeTimes(5).build());
        broker.append("T", 0, "ok", "a");
        final String badId = broker.append("T", 0, "bad", "b").messageId();
        broker.append("T", 0, "ok", "c");

        Await.until(() -> broker.sendBacks.size() == 1 && broker.committed(GROUP, "T", 0) == 3,
            () -> "sendBacks=" + broker.sendBacks + ", committed=" + broker.committed(GROUP, "T", 0));

        assertEquals(new SendBackRequest(GROUP, badId, "T", 0, 5), broker.sendBacks.get(0));
    }

    @Test
    void shouldSendBackWhenTheListenerThrows()
    {
        start(context, config(messages ->
        {
            throw new IllegalStateException("listener bug");
        }).build());
        final String id = broker.append("T", 1, "", "x").messageId();

        Await.until(() -> broker.committed(GROUP, "T", 1) == 1, () -> "committed=" + broker.committed(GROUP, "T", 1));

        assertEquals(List.of(id), broker.sentBackIds());
    }

    @Test
    void shouldConsumeAgainLocallyWhenSendingBackFails()
    {
        broker.failSendBacks = 1;
        final List<Integer> reconsumeTimes = new CopyOnWriteArrayList<>();
        start(context, config(messages ->
        {
            reconsumeTimes.add(messages.get(0).reconsumeTimes());
            return reconsumeTimes.size() == 1 ? ConsumeResult.RECONSUME_LATER : ConsumeResult.SUCCESS;
        }).build());
        broker.append("T", 0, "", "x");

        Await.until(() -> broker.committed(GROUP, "T", 0) == 1, () -> "committed=" + broker.committed(GROUP, "T", 0));

        assertEquals(List.of(0, 1), reconsumeTimes, "consumed again here after the failed send-back");
        assertEquals(1, broker.sendBacks.size());
    }

    @Test
    void shouldStopPullingWhenAQueueHoldsMoreThanItsThreshold() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        start(context, config(messages ->
        {
            await(release);
            received.addAll(messages);
            return ConsumeResult.SUCCESS;
        }).consumeThreads(1).pullBatchSize(4).pullThresholdForQueue(10).build());
        for (int i = 0; i < 100; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }

        Await.until(() -> broker.served.get() > 10, () -> "served=" + broker.served.get());
        Await.pause(300);
        final int pulls = broker.pullCount("T", 0);
        Await.pause(300);

        assertTrue(broker.served.get() <= 14, "served=" + broker.served.get());
        assertEquals(pulls, broker.pullCount("T", 0), "no pull while above the threshold");
        release.countDown();
        Await.until(() -> received.size() == 100, () -> "received=" + received.size());
    }

    @Test
    void shouldStopPullingWhenAQueueHoldsMoreThanItsByteThreshold() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        start(context, config(messages ->
        {
            await(release);
            return ConsumeResult.SUCCESS;
        }).consumeThreads(1).pullBatchSize(1).pullThresholdBytesForQueue(25).build());
        for (int i = 0; i < 20; i++)
        {
            broker.append("T", 0, "", "0123456789");
        }

        Await.until(() -> broker.served.get() >= 3, () -> "served=" + broker.served.get());
        Await.pause(300);

        assertEquals(3, broker.served.get(), "pulls stop once more than 25 bytes are held");
        release.countDown();
    }

    @Test
    void shouldStartAtTheMaxOffsetWhenANewGroupConsumesFromLast()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "old" + i);
        }
        start(context, config(collect()).consumeFrom(ConsumeFrom.LAST).build());
        broker.append("T", 0, "", "new0");
        broker.append("T", 1, "", "new1");

        Await.until(() -> received.size() >= 2, () -> "received=" + bodies());
        Await.pause(200);

        assertEquals(Set.of("new0", "new1"), Set.copyOf(bodies()));
        assertEquals(10, received.stream().filter(m -> m.queueId() == 0).findFirst().orElseThrow().queueOffset());
    }

    @Test
    void shouldCommitTheStartAtOnceWhenANewGroupStartsFromLast()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "old" + i);
        }

        start(context, config(collect()).persistOffsetInterval(Duration.ofMinutes(5)).build());

        assertEquals(10, broker.committed(GROUP, "T", 0), "a member taking over later starts here too");
        assertEquals(0, broker.committed(GROUP, "T", 1));
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
        final FakeClientContext otherContext = new FakeClientContext("client-B", broker);
        closeables.add(otherContext);
        start(otherContext, config);

        Await.until(() -> first.assignment().size() == 2, () -> "first=" + first.assignment());
    }

    @Test
    void shouldStartAtTheMinOffsetWhenConsumingFromFirst()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        broker.setMinOffset("T", 0, 4);
        start(context, config(collect()).consumeFrom(ConsumeFrom.FIRST).build());

        Await.until(() -> received.size() >= 6, () -> "received=" + bodies());
        Await.pause(200);

        assertEquals(List.of("m4", "m5", "m6", "m7", "m8", "m9"),
            received.stream().sorted((a, b) -> Long.compare(a.queueOffset(), b.queueOffset()))
                .map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void shouldStartAtTheFirstMessageStoredAtOrAfterTheTimeWhenConsumingFromATimestamp()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "m" + i, 1000 + i, Map.of(), 0);
        }
        start(context, config(collect()).consumeFrom(ConsumeFrom.timestamp(1006)).build());

        Await.until(() -> received.size() >= 4, () -> "received=" + bodies());
        Await.pause(200);

        assertEquals(Set.of("m6", "m7", "m8", "m9"), Set.copyOf(bodies()));
    }

    @Test
    void shouldStartAtTheCommittedOffsetWhenTheGroupHasOne()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        broker.setCommitted(GROUP, "T", 0, 7);
        start(context, config(collect()).consumeFrom(ConsumeFrom.LAST).build());

        Await.until(() -> received.size() >= 3, () -> "received=" + bodies());
        Await.pause(200);

        assertEquals(Set.of("m7", "m8", "m9"), Set.copyOf(bodies()));
    }

    @Test
    void shouldCheckTagsExactlyWhenTheBrokerFilterLetsAHashTwinThrough()
    {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        start(context, PushConsumerConfig.builder(GROUP).subscribe("T", "Aa").listener(collect())
            .persistOffsetInterval(Duration.ofMillis(100)).build());
        broker.append("T", 0, "Aa", "1");
        broker.append("T", 0, "BB", "2");
        broker.append("T", 0, "C", "3");
        broker.append("T", 0, "Aa", "4");

        Await.until(() -> broker.committed(GROUP, "T", 0) == 4, () -> "committed=" + broker.committed(GROUP, "T", 0));

        assertEquals(List.of("1", "4"), bodies());
    }

    @Test
    void shouldReportTheOriginalTopicWhenAMessageComesFromTheRetryTopic()
    {
        final String retry = SystemTopics.retryTopic(GROUP);
        broker.createTopic(retry, 1);
        broker.append(retry, 0, "", "again", System.currentTimeMillis(),
            Map.of(SystemProperties.ORIGIN_TOPIC, "T"), 2);
        final PushConsumerImpl consumer = start(context, config(collect()).build());

        Await.until(() -> received.size() == 1, () -> "received=" + received);

        assertTrue(consumer.assignment().contains(new MessageQueue(retry, "b1", 0)));
        assertEquals("T", received.get(0).topic());
        assertEquals(retry, received.get(0).queue().topic());
        assertEquals(2, received.get(0).reconsumeTimes());
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
    void shouldMoveOnFromTheBrokersNextOffsetWhenTheOffsetIsTooOld()
    {
        for (int i = 0; i < 5; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        broker.setCommitted(GROUP, "T", 0, 1);
        broker.setMinOffset("T", 0, 3);
        start(context, config(collect()).build());

        Await.until(() -> received.size() >= 2, () -> "received=" + bodies());

        assertEquals(Set.of("m3", "m4"), Set.copyOf(bodies()));
    }

    @Test
    void shouldRebalanceAtOnceAndCommitReleasedQueuesWhenMembersChange()
    {
        broker.createTopic("T4", 4);
        final FakeClientContext otherContext = new FakeClientContext("client-B", broker);
        closeables.add(otherContext);
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
    void shouldCommitAndLeaveTheGroupOnceWhenClosedTwice()
    {
        final PushConsumerImpl consumer = start(context, config(collect())
            .persistOffsetInterval(Duration.ofMinutes(5)).build());
        broker.append("T", 0, "", "a");
        broker.append("T", 1, "", "b");
        Await.until(() -> received.size() == 2, () -> "received=" + received.size());
        assertEquals(0, broker.committed(GROUP, "T", 0), "only the start is committed before close");

        consumer.close();
        consumer.close();

        assertEquals(1, broker.committed(GROUP, "T", 0));
        assertEquals(1, broker.committed(GROUP, "T", 1));
        assertEquals(List.of(GROUP), context.unregisteredGroups);
        assertEquals(Set.of(), consumer.assignment());
        broker.append("T", 0, "", "after close");
        Await.pause(200);
        assertEquals(2, received.size());
    }

    @Test
    void shouldLetTheRunningCallFinishAndCommitItWhenClosed() throws Exception
    {
        final CountDownLatch inListener = new CountDownLatch(1);
        final PushConsumerImpl consumer = start(context, config(messages ->
        {
            inListener.countDown();
            Await.pause(300);
            received.addAll(messages);
            return ConsumeResult.SUCCESS;
        }).persistOffsetInterval(Duration.ofMinutes(5)).build());
        broker.append("T", 0, "", "slow");
        assertTrue(inListener.await(10, TimeUnit.SECONDS));

        consumer.close();

        assertEquals(1, received.size());
        assertEquals(1, broker.committed(GROUP, "T", 0));
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}

package io.rocklet.client.consumer;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent consumption: delivery, acknowledgement, retry, flow control, tags, close.
 */
@Timeout(60)
class PushConsumerConcurrentTest extends PushConsumerTestBase
{
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
        final String badId = broker.append("T", 0, "bad", "b").offsetMessageId();
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
        final String id = broker.append("T", 1, "", "x").offsetMessageId();

        Await.until(() -> broker.committed(GROUP, "T", 1) == 1, () -> "committed=" + broker.committed(GROUP, "T", 1));

        assertEquals(List.of(id), broker.sentBackIds());
    }

    @Test
    void shouldSendBackAndMoveOnWhenAListenerCallOutlivesTheConsumeTimeoutOnTheConsumersClock() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch blocked = new CountDownLatch(1);
        start(context, config(messages ->
        {
            if (messages.get(0).queueOffset() == 0)
            {
                blocked.countDown();
                await(release);
            }
            received.addAll(messages);
            return ConsumeResult.SUCCESS;
        }).consumeTimeout(Duration.ofMinutes(15)).build());
        final String stuckId = broker.append("T", 0, "", "stuck").offsetMessageId();
        broker.append("T", 0, "", "next");
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        Await.until(() -> bodies().contains("next"), () -> "received=" + bodies());

        context.clock.advance(Duration.ofMinutes(15).toNanos() - 1);
        Await.pause(1100); // the timeout is checked every second
        assertEquals(List.of(), broker.sendBacks, "not yet timed out");
        assertEquals(0, broker.committed(GROUP, "T", 0));
        context.clock.advance(1);
        Await.until(() -> broker.committed(GROUP, "T", 0) == 2, () -> "committed=" + broker.committed(GROUP, "T", 0));
        assertEquals(List.of(new SendBackRequest(GROUP, stuckId, "T", 0, 16)), broker.sendBacks);

        release.countDown(); // the stuck call returns at last: its message was given up, nothing more happens
        Await.pause(300);
        assertEquals(1, broker.sendBacks.size());
        assertEquals(2, broker.committed(GROUP, "T", 0));
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

        assertEquals(List.of("1", "4"), bodies().stream().sorted().toList());
    }

    @Test
    void shouldCheckSqlOnTheClientWhenTheBrokerSendsMessagesThatDoNotMatch()
    {
        start(context, PushConsumerConfig.builder(GROUP).subscribe("T", MessageSelector.sql("region = 'eu'"))
            .listener(collect()).persistOffsetInterval(Duration.ofMillis(100)).build());
        broker.append("T", 0, "", "1", 1, Map.of("region", "eu"), 0);
        broker.append("T", 0, "", "2", 2, Map.of("region", "us"), 0);
        broker.append("T", 0, "", "3", 3, Map.of(), 0);
        broker.append("T", 0, "", "4", 4, Map.of("region", "eu"), 0);

        Await.until(() -> broker.committed(GROUP, "T", 0) == 4, () -> "committed=" + broker.committed(GROUP, "T", 0));

        assertEquals(List.of("1", "4"), bodies().stream().sorted().toList());
        assertEquals("SQL92:region = 'eu'", context.registration(GROUP).subscriptions().get("T"),
            "the registration names the selector's type");
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
}

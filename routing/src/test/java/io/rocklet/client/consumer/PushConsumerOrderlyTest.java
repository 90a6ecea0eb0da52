package io.rocklet.client.consumer;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeMode;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PushConsumerOrderlyTest
{
    private static final String GROUP = "og";

    private final FakeBroker broker = new FakeBroker("b1");
    private final FakeClientContext context = new FakeClientContext("client-A", broker);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<Integer, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<Integer, List<Long>> offsets = new ConcurrentHashMap<>();
    private final AtomicInteger overlaps = new AtomicInteger();

    PushConsumerOrderlyTest()
    {
        broker.createTopic("T", 4);
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
            .consumeMode(ConsumeMode.ORDERLY).consumeThreads(4).persistOffsetInterval(Duration.ofMillis(100))
            .longPollTimeout(Duration.ofSeconds(1)).suspendTime(Duration.ofMillis(100));
    }

    /**
     * Records per-queue order and flags any two calls of one queue at the same time.
     */
    private MessageListener tracking()
    {
        return messages ->
        {
            final int queueId = messages.get(0).queueId();
            final AtomicInteger running = inFlight.computeIfAbsent(queueId, q -> new AtomicInteger());
            if (running.incrementAndGet() > 1)
            {
                overlaps.incrementAndGet();
            }
            try
            {
                for (final ReceivedMessage message : messages)
                {
                    offsets.computeIfAbsent(queueId, q -> new CopyOnWriteArrayList<>()).add(message.queueOffset());
                }
                if (messages.get(0).queueOffset() % 7 == 0)
                {
                    Await.pause(1);
                }
                return ConsumeResult.SUCCESS;
            }
            finally
            {
                running.decrementAndGet();
            }
        };
    }

    private PushConsumerImpl start(final FakeClientContext ctx, final PushConsumerConfig config)
    {
        final PushConsumerImpl consumer = new PushConsumerImpl(ctx, config);
        closeables.add(consumer);
        return consumer;
    }

    private static List<Long> range(final long from, final long to)
    {
        final List<Long> range = new ArrayList<>();
        for (long offset = from; offset < to; offset++)
        {
            range.add(offset);
        }
        return range;
    }

    private int total()
    {
        return offsets.values().stream().mapToInt(List::size).sum();
    }

    @Test
    void shouldConsumeEachQueueInOrderAndNeverTwoMessagesOfAQueueAtOnce()
    {
        start(context, config(tracking()).consumeBatchSize(2).build());
        for (int i = 0; i < 400; i++)
        {
            broker.append("T", i % 4, "", "m" + i);
        }

        Await.until(() -> total() == 400, () -> "consumed=" + total());

        assertEquals(0, overlaps.get(), "two calls of one queue overlapped");
        for (int queueId = 0; queueId < 4; queueId++)
        {
            assertEquals(range(0, 100), offsets.get(queueId), "queue " + queueId);
            assertEquals("client-A", broker.lockOwner(GROUP, "T", queueId));
        }
        Await.until(() -> broker.committed(GROUP, "T", 3) == 100, () -> "committed=" + broker.committed(GROUP, "T", 3));
    }

    @Test
    void shouldRetryInPlaceAfterTheSuspendTimeThenDeadLetterAfterTheMaximum()
    {
        final List<Long> callTimes = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<Integer> reconsumeTimes = new CopyOnWriteArrayList<>();
        start(context, config(messages ->
        {
            final ReceivedMessage message = messages.get(0);
            final String body = new String(message.bodyBytes());
            bodies.add(body);
            if (body.equals("poison"))
            {
                callTimes.add(System.nanoTime());
                reconsumeTimes.add(message.reconsumeTimes());
                return ConsumeResult.RECONSUME_LATER;
            }
            return ConsumeResult.SUCCESS;
        }).maxReconsumeTimes(2).build());
        final String poisonId = broker.append("T", 0, "", "poison").offsetMessageId();
        broker.append("T", 0, "", "next");

        Await.until(() -> bodies.contains("next"), () -> "bodies=" + bodies);

        assertEquals(List.of("poison", "poison", "poison", "next"), bodies, "1 delivery + 2 retries, then move on");
        assertEquals(List.of(0, 1, 2), reconsumeTimes);
        for (int i = 1; i < callTimes.size(); i++)
        {
            final long gapMs = (callTimes.get(i) - callTimes.get(i - 1)) / 1_000_000;
            assertTrue(gapMs >= 90, "retry waited the suspend time: gapMs=" + gapMs);
        }
        assertEquals(List.of(new SendBackRequest(GROUP, poisonId, "T", 0, 0)), broker.sendBacks,
            "dead-lettered: maxReconsumeTimes equals the broker's count");
        Await.until(() -> broker.committed(GROUP, "T", 0) == 2, () -> "committed=" + broker.committed(GROUP, "T", 0));
    }

    @Test
    void shouldKeepTheBatchInPlaceWhenDeadLetteringFails()
    {
        broker.failSendBacks = 1;
        final List<String> bodies = new CopyOnWriteArrayList<>();
        start(context, config(messages ->
        {
            final String body = new String(messages.get(0).bodyBytes());
            bodies.add(body);
            return body.equals("poison") ? ConsumeResult.RECONSUME_LATER : ConsumeResult.SUCCESS;
        }).maxReconsumeTimes(0).build());
        broker.append("T", 0, "", "poison");
        broker.append("T", 0, "", "next");

        Await.until(() -> bodies.contains("next"), () -> "bodies=" + bodies);

        assertEquals(List.of("poison", "poison", "next"), bodies);
        assertEquals(2, broker.sendBacks.size(), "one refused, one accepted");
    }

    @Test
    void shouldWaitForTheLockWhenAnotherClientHoldsTheQueue()
    {
        broker.lock(GROUP, "T", 2, "someone-else");
        final long startNanos = System.nanoTime();
        start(context, config(tracking()).consumeFrom(ConsumeFrom.FIRST).build());
        assertTrue(System.nanoTime() - startNanos < 1_000_000_000L, "a queue locked elsewhere does not hold up start");
        for (int i = 0; i < 8; i++)
        {
            broker.append("T", i % 4, "", "m" + i);
        }
        Await.until(() -> total() == 6, () -> "consumed=" + total());
        Await.pause(300);
        assertEquals(null, offsets.get(2), "queue 2 is locked elsewhere");

        broker.unlock(GROUP, "T", 2);

        Await.until(() -> total() == 8, () -> "consumed=" + total());
        assertEquals(List.of(0L, 1L), offsets.get(2));
    }

    @Test
    void shouldKeepOrderAndReleaseLocksAcrossRebalance()
    {
        final FakeClientContext otherContext = new FakeClientContext("client-B", broker);
        closeables.add(otherContext);
        final PushConsumerConfig config = config(tracking()).rebalanceInterval(Duration.ofMinutes(5)).build();
        final PushConsumerImpl first = start(context, config);
        for (int i = 0; i < 200; i++)
        {
            broker.append("T", i % 4, "", "m" + i);
        }

        final PushConsumerImpl second = start(otherContext, config);
        for (int i = 200; i < 400; i++)
        {
            broker.append("T", i % 4, "", "m" + i);
        }

        Await.until(() -> first.assignment().size() == 2 && second.assignment().size() == 2,
            () -> "first=" + first.assignment() + ", second=" + second.assignment());
        Await.until(() -> total() >= 400 && offsets.values().stream().allMatch(list -> list.get(list.size() - 1) == 99),
            () -> "consumed=" + total());
        assertEquals(0, overlaps.get(), "two calls of one queue overlapped");
        for (int queueId = 0; queueId < 4; queueId++)
        {
            final List<Long> seen = offsets.get(queueId);
            for (int i = 1; i < seen.size(); i++)
            {
                assertTrue(seen.get(i) == seen.get(i - 1) + 1 || seen.get(i) <= seen.get(i - 1),
                    "queue " + queueId + " skipped from " + seen.get(i - 1) + " to " + seen.get(i));
            }
            assertEquals(range(0, 100), seen.stream().distinct().sorted().toList());
        }
        for (final MessageQueue queue : second.assignment())
        {
            assertEquals("client-B", broker.lockOwner(GROUP, "T", queue.queueId()));
        }
        assertTrue(!broker.unlocks.isEmpty(), "the first member released the queues it lost");
    }

    @Test
    void shouldRestartInOrderWithoutOverlapWhenOffsetsAreReset()
    {
        final PushConsumerImpl consumer = start(context, config(tracking()).consumeFrom(ConsumeFrom.FIRST)
            .persistOffsetInterval(Duration.ofMinutes(5)).build());
        for (int i = 0; i < 40; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        Await.until(() -> total() == 40, () -> "consumed=" + total());

        broker.setCommitted(GROUP, "T", 0, 30);
        broker.fire(GROUP, GroupEvent.Kind.OFFSETS_RESET);

        Await.until(() -> total() == 50, () -> "consumed=" + total());
        final List<Long> expected = new ArrayList<>(range(0, 40));
        expected.addAll(range(30, 40));
        assertEquals(expected, offsets.get(0));
        assertEquals(0, overlaps.get());
        consumer.close();
        assertEquals(40, broker.committed(GROUP, "T", 0));
    }
}

package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeMode;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageListener;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retry and dead letters (F18, F19) with 18 short delay levels (level n waits 30 n ms, so retries wait
 * 90, 120, 150, 180 ms): a failing message comes back with a growing back-off and a growing reconsume count,
 * lands in {@code %DLQ%<group>} after {@code maxReconsumeTimes} redeliveries, can be read there and re-sent; a
 * message that succeeds on a retry never reaches the DLQ; a throwing listener counts as RECONSUME_LATER; an
 * orderly listener is retried in place, holding back the rest of its queue.
 */
@Timeout(90)
class RetryAndDeadLetterTest
{
    private static final String TOPIC = "jobs";
    private static final int LEVEL_STEP_MS = 30;
    /** Every retry chain here waits less than a second in all; far less than a rebalance interval (20 s). */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    /** One delivery as the listener saw it. */
    private record Delivery(long atNanos, int reconsumeTimes, String topic, MessageQueue queue, String body)
    {
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    @Test
    void shouldDeadLetterAMessageAfterMaxReconsumeTimesWithGrowingBackOffAndConsumeItWhenReSent() throws Exception
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 2);
            final AtomicBoolean fixed = new AtomicBoolean();
            final PushConsumer consumer = consumer(rocklet, "g-dlq", ConsumeMode.CONCURRENT, 3, messages ->
            {
                record(messages);
                return fixed.get() ? ConsumeResult.SUCCESS : ConsumeResult.RECONSUME_LATER;
            });
            final SendReceipt sent = rocklet.newProducer("pg").send(Message.builder(TOPIC).tag("T").key("k-1")
                .property("color", "red").body("poison").build());

            final ReceivedMessage dead = readDeadLetter(rocklet, "g-dlq");
            assertEquals(4, deliveries.size(), "the first delivery and 3 redeliveries: " + deliveries);
            for (int i = 0; i < 4; i++)
            {
                assertEquals(i, deliveries.get(i).reconsumeTimes(), "reconsumeTimes of delivery " + i);
                assertEquals(TOPIC, deliveries.get(i).topic(), "topic of delivery " + i);
                assertEquals("poison", deliveries.get(i).body());
            }
            assertEquals(sent.queue(), deliveries.get(0).queue());
            for (int i = 1; i < 4; i++)
            {
                final long gapMs = TimeUnit.NANOSECONDS.toMillis(deliveries.get(i).atNanos() -
                    deliveries.get(i - 1).atNanos());
                final int levelMs = LEVEL_STEP_MS * (2 + i); // retry i waits at level 3 + (i - 1)
                assertTrue(gapMs >= levelMs, "gap before redelivery " + i + ": " + gapMs + " ms < " + levelMs);
                assertEquals(SystemTopics.retryTopic("g-dlq"), deliveries.get(i).queue().topic());
            }
            assertEquals("poison", new String(dead.bodyBytes(), StandardCharsets.UTF_8));
            assertEquals(TOPIC, dead.properties().get(SystemProperties.ORIGIN_TOPIC));
            assertEquals(sent.messageId(), dead.messageId(), "the dead letter keeps the message's id");
            assertTrue(dead.properties().get(SystemProperties.ORIGIN_MESSAGE_ID).matches("[0-9A-F]{24}"),
                "the offset id of the copy first sent back: " + dead.properties());
            assertEquals("T", dead.tag());
            assertEquals(List.of("k-1"), dead.keys());
            assertEquals("red", dead.properties().get("color"));

            // re-send it to its original topic: consumed successfully this time
            fixed.set(true);
            final Map<String, String> userProperties = new HashMap<>(dead.properties());
            userProperties.keySet().removeIf(name -> name.startsWith("__"));
            rocklet.newProducer("pg").send(new Message(dead.properties().get(SystemProperties.ORIGIN_TOPIC),
                dead.tag(), dead.keys(), userProperties, dead.bodyBytes()));
            Await.until(DEADLINE, () -> deliveries.size() == 5, () -> "deliveries " + deliveries);
            assertEquals(0, deliveries.get(4).reconsumeTimes());
            assertEquals(TOPIC, deliveries.get(4).queue().topic());
            consumer.close();
        }
    }

    @Test
    void shouldNotDeadLetterAMessageThatSucceedsOnItsThirdDelivery() throws Exception
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 2);
            final PushConsumer consumer = consumer(rocklet, "g-third", ConsumeMode.CONCURRENT, 3, messages ->
            {
                record(messages);
                return messages.get(0).reconsumeTimes() < 2 ? ConsumeResult.RECONSUME_LATER : ConsumeResult.SUCCESS;
            });
            rocklet.newProducer("pg").send(Message.builder(TOPIC).body("flaky").build());
            Await.until(DEADLINE, () -> deliveries.size() >= 3, () -> "deliveries " + deliveries);
            consumer.close();
            assertEquals(3, deliveries.size(), "deliveries " + deliveries);
            assertEquals(List.of(0, 1, 2), deliveries.stream().map(Delivery::reconsumeTimes).toList());
            assertNoDeadLetterTopic(rocklet, "g-third");
        }
    }

    @Test
    void shouldRetryAMessageWhenTheListenerThrows() throws Exception
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 2);
            final PushConsumer consumer = consumer(rocklet, "g-throw", ConsumeMode.CONCURRENT, 3, messages ->
            {
                record(messages);
                if (messages.get(0).reconsumeTimes() == 0)
                {
                    throw new IllegalStateException("listener failure on purpose");
                }
                return ConsumeResult.SUCCESS;
            });
            rocklet.newProducer("pg").send(Message.builder(TOPIC).body("thrown").build());
            Await.until(DEADLINE, () -> deliveries.size() >= 2, () -> "deliveries " + deliveries);
            consumer.close();
            assertEquals(2, deliveries.size(), "deliveries " + deliveries);
            assertEquals(1, deliveries.get(1).reconsumeTimes());
            assertEquals(SystemTopics.retryTopic("g-throw"), deliveries.get(1).queue().topic());
            assertNoDeadLetterTopic(rocklet, "g-throw");
        }
    }

    @Test
    void shouldSendBackAndGoOnWhenAListenerCallOutlivesTheConsumeTimeout() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final PushConsumer consumer = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-hang")
                .subscribe(TOPIC, "*")
                .consumeTimeout(Duration.ofMillis(300))
                .persistOffsetInterval(Duration.ofMillis(100))
                .listener(messages ->
                {
                    record(messages);
                    if (messages.get(0).reconsumeTimes() == 0 && text(messages.get(0)).equals("hangs"))
                    {
                        awaitQuietly(release); // a listener stuck for good (until the test ends)
                    }
                    return ConsumeResult.SUCCESS;
                }).build());
            final Producer producer = rocklet.newProducer("pg");
            producer.send(Message.builder(TOPIC).body("hangs").build());
            producer.send(Message.builder(TOPIC).body("next").build());

            Await.until(DEADLINE, () -> deliveries.stream().anyMatch(d -> d.body().equals("hangs") &&
                d.reconsumeTimes() == 1), () -> "deliveries " + deliveries);
            Await.until(DEADLINE, () -> rocklet.admin().progress("g-hang").lag(TOPIC) == 0,
                () -> "the queue went on past the stuck message: " + rocklet.admin().progress("g-hang"));
            final Delivery retried = deliveries.stream().filter(d -> d.reconsumeTimes() == 1).findFirst()
                .orElseThrow();
            assertEquals(SystemTopics.retryTopic("g-hang"), retried.queue().topic(), "sent back as a failure");
            assertTrue(deliveries.stream().anyMatch(d -> d.body().equals("next")), "deliveries " + deliveries);
            release.countDown();
            consumer.close();
        }
        finally
        {
            release.countDown();
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static String text(final ReceivedMessage message)
    {
        return new String(message.bodyBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldRetryInPlaceAfterSuspendTimeAndHoldBackTheQueueWhenOrderly() throws Exception
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final long suspendMs = 150;
            final PushConsumer consumer = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-orderly")
                .subscribe(TOPIC, "*")
                .consumeMode(ConsumeMode.ORDERLY)
                .consumeFrom(ConsumeFrom.FIRST)
                .suspendTime(Duration.ofMillis(suspendMs))
                .maxReconsumeTimes(2)
                .listener(messages ->
                {
                    record(messages);
                    final ReceivedMessage message = messages.get(0);
                    final String body = new String(message.bodyBytes(), StandardCharsets.UTF_8);
                    if (body.equals("second") && message.reconsumeTimes() < 2)
                    {
                        return ConsumeResult.RECONSUME_LATER; // succeeds on its third delivery
                    }
                    return body.equals("poison") ? ConsumeResult.RECONSUME_LATER : ConsumeResult.SUCCESS;
                }).build());
            final Producer producer = rocklet.newProducer("pg");
            for (final String body : List.of("first", "second", "third", "poison", "fifth"))
            {
                producer.send(Message.builder(TOPIC).body(body).build(), "one-key");
            }
            Await.until(DEADLINE, () -> deliveries.stream().anyMatch(d -> d.body().equals("fifth")),
                () -> "deliveries " + deliveries);
            consumer.close();

            assertEquals(List.of("first", "second", "second", "second", "third", "poison", "poison", "poison",
                "fifth"), deliveries.stream().map(Delivery::body).toList(), "retried in place, in order");
            assertEquals(List.of(0, 0, 1, 2, 0, 0, 1, 2, 0),
                deliveries.stream().map(Delivery::reconsumeTimes).toList());
            deliveries.forEach(delivery -> assertEquals(TOPIC, delivery.queue().topic(), "never via the retry topic"));
            for (final int retry : List.of(2, 3, 6, 7))
            {
                final long gapMs = TimeUnit.NANOSECONDS.toMillis(deliveries.get(retry).atNanos() -
                    deliveries.get(retry - 1).atNanos());
                assertTrue(gapMs >= suspendMs, "gap before delivery " + retry + ": " + gapMs + " ms");
            }
            final ReceivedMessage dead = readDeadLetter(rocklet, "g-orderly");
            assertEquals("poison", new String(dead.bodyBytes(), StandardCharsets.UTF_8));
            assertEquals(TOPIC, dead.properties().get(SystemProperties.ORIGIN_TOPIC));
        }
    }

    @Test
    void shouldRetryTheWholeBatchWhenTheListenerFailsABatch()
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final Producer producer = rocklet.newProducer("pg");
            for (int i = 0; i < 10; i++)
            {
                producer.send(Message.builder(TOPIC).body("m" + i).build());
            }
            final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
            final PushConsumer consumer = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-batch")
                .subscribe(TOPIC, "*")
                .consumeFrom(ConsumeFrom.FIRST)
                .consumeBatchSize(5)
                .listener(messages ->
                {
                    record(messages);
                    batchSizes.add(messages.size());
                    final boolean first = messages.get(0).reconsumeTimes() == 0;
                    final String head = new String(messages.get(0).bodyBytes(), StandardCharsets.UTF_8);
                    return first && head.equals("m0") ? ConsumeResult.RECONSUME_LATER : ConsumeResult.SUCCESS;
                }).build());
            Await.until(DEADLINE, () -> deliveries.size() == 15, () -> "deliveries " + deliveries);
            consumer.close();
            assertEquals(15, deliveries.size(), "the failed batch of 5 comes again, message by message or not");
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), deliveries.stream()
                .filter(delivery -> delivery.reconsumeTimes() == 1).map(Delivery::body).sorted().toList());
            assertTrue(batchSizes.get(0) > 1, "batches: " + batchSizes);
        }
    }

    @Test
    void shouldRetryLocallyThenDeadLetterWhenBroadcasting(@TempDir final Path offsets)
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final PushConsumer consumer = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-bcast")
                .subscribe(TOPIC, "*")
                .messageModel(MessageModel.BROADCASTING)
                .offsetStoreDirectory(offsets)
                .maxReconsumeTimes(2)
                .suspendTime(Duration.ofMillis(50))
                .listener(messages ->
                {
                    record(messages);
                    return ConsumeResult.RECONSUME_LATER;
                }).build());
            rocklet.newProducer("pg").send(Message.builder(TOPIC).body("broadcast poison").build());
            final ReceivedMessage dead = readDeadLetter(rocklet, "g-bcast");
            consumer.close();
            assertEquals(List.of(0, 1, 2), deliveries.stream().map(Delivery::reconsumeTimes).toList());
            deliveries.forEach(delivery -> assertEquals(TOPIC, delivery.queue().topic(), "retried in place"));
            assertEquals("broadcast poison", new String(dead.bodyBytes(), StandardCharsets.UTF_8));
        }
    }

    private static EmbeddedRocklet start()
    {
        final List<Duration> levels = new ArrayList<>();
        for (int level = 1; level <= 18; level++)
        {
            levels.add(Duration.ofMillis((long) LEVEL_STEP_MS * level));
        }
        return EmbeddedRocklet.builder().delayLevels(levels).start();
    }

    private PushConsumer consumer(final EmbeddedRocklet rocklet, final String group, final ConsumeMode mode,
        final int maxReconsumeTimes, final MessageListener listener)
    {
        return rocklet.newClient().newPushConsumer(PushConsumerConfig.builder(group)
            .subscribe(TOPIC, "*")
            .consumeMode(mode)
            .maxReconsumeTimes(maxReconsumeTimes)
            .listener(listener).build());
    }

    private void record(final List<ReceivedMessage> messages)
    {
        final long now = System.nanoTime();
        for (final ReceivedMessage message : messages)
        {
            deliveries.add(new Delivery(now, message.reconsumeTimes(), message.topic(), message.queue(),
                new String(message.bodyBytes(), StandardCharsets.UTF_8)));
        }
    }

    /**
     * Reads the one message of the group's dead-letter queue with a pull consumer assigned to it.
     */
    private static ReceivedMessage readDeadLetter(final EmbeddedRocklet rocklet, final String group)
    {
        final MessageQueue dlq = new MessageQueue(SystemTopics.dlqTopic(group),
            rocklet.broker().config().brokerName(), 0);
        try (RockletClient client = rocklet.newClient();
             PullConsumer reader = client.newPullConsumer(PullConsumerConfig.builder("dlq-reader")
                 .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build()))
        {
            final List<ReceivedMessage> polled = new ArrayList<>();
            Await.until(DEADLINE, () ->
            {
                if (reader.assignment().isEmpty())
                {
                    try
                    {
                        reader.assign(List.of(dlq));
                    }
                    catch (final RuntimeException e)
                    {
                        return false; // the DLQ topic is made by the first dead letter
                    }
                }
                polled.addAll(reader.poll(Duration.ofMillis(100)));
                return !polled.isEmpty();
            }, () -> "nothing in " + dlq);
            assertEquals(1, polled.size(), "dead letters " + polled);
            assertEquals(dlq, polled.get(0).queue());
            return polled.get(0);
        }
    }

    private static void assertNoDeadLetterTopic(final EmbeddedRocklet rocklet, final String group) throws Exception
    {
        try
        {
            final BrokerService.QueueOffsets offsets = rocklet.broker().queueOffsets(SystemTopics.dlqTopic(group), 0)
                .get(5, TimeUnit.SECONDS);
            assertEquals(0, offsets.maxOffset(), "dead letters of " + group);
        }
        catch (final ExecutionException e)
        {
            assertTrue(e.getCause().getMessage().contains("no such topic"), e.getCause().toString());
        }
    }
}

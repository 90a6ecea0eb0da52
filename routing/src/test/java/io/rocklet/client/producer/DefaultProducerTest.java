package io.rocklet.client.producer;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.client.internal.DefaultClientContext;
import io.rocklet.testing.Await;
import io.rocklet.testing.ScriptedBroker;
import io.rocklet.testing.TestCluster;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.rocklet.testing.ScriptedBroker.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DefaultProducerTest
{
    private static final String TOPIC = "T";

    private final TestCluster cluster = new TestCluster();
    private final ScriptedBroker a = cluster.add(ScriptedBroker.master("broker-a").withTopic(TOPIC, 4));
    private final ScriptedBroker b = cluster.add(ScriptedBroker.master("broker-b").withTopic(TOPIC, 4));
    private DefaultClientContext context = new DefaultClientContext(cluster.clientConfig().build(), cluster.transport);
    private final List<DefaultProducer> producers = new ArrayList<>();

    @AfterEach
    void tearDown()
    {
        producers.forEach(DefaultProducer::close);
        context.close();
        cluster.close();
    }

    @Test
    void shouldRoundRobinOverQueuesAndBrokers()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));

        final List<MessageQueue> queues = new ArrayList<>();
        for (int i = 0; i < 9; i++)
        {
            queues.add(producer.send(message("m" + i)).queue());
        }

        assertEquals(List.of(q("broker-a", 0), q("broker-a", 1), q("broker-a", 2), q("broker-a", 3),
            q("broker-b", 0), q("broker-b", 1), q("broker-b", 2), q("broker-b", 3), q("broker-a", 0)), queues);
        assertEquals("pg", a.sends.get(0).producerGroup());
        assertEquals(context.clientId(), a.sends.get(0).producerId());
    }

    @Test
    void shouldAnswerWithReceiptWhenBrokerStores()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        a.onSend(request -> CompletableFuture.completedFuture(new SendResult("id-7", "broker-a", request.queueId(),
            42, 1)));

        final SendReceipt receipt = producer.send(message("hello"));

        assertEquals(new SendReceipt("id-7", q("broker-a", 0), 42), receipt);
        assertEquals("hello", new String(a.sends.get(0).message().body(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldRetryOnAnotherBrokerWhenFailureIsRetriable()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        a.onSend(request -> failure(ErrorCode.BUSY));

        final SendReceipt receipt = producer.send(message("m"));

        assertEquals("broker-b", receipt.queue().brokerName());
        assertEquals(1, a.sends.size());
        assertEquals(1, b.sends.size());
    }

    @Test
    void shouldNotRetryWhenFailureIsNotRetriable()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        a.onSend(request -> failure(ErrorCode.PERMISSION_DENIED));

        final RockletException error = assertThrows(RockletException.class, () -> producer.send(message("m")));

        assertEquals(ErrorCode.PERMISSION_DENIED, error.errorCode());
        assertTrue(error.getMessage().contains("topic=T"), error.getMessage());
        assertEquals(1, a.sends.size());
        assertTrue(b.sends.isEmpty());
    }

    @Test
    void shouldGiveUpAfterRetriesWhenEveryBrokerFails()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg").retries(2));
        a.onSend(request -> failure(ErrorCode.BROKER_UNAVAILABLE));
        b.onSend(request -> failure(ErrorCode.BUSY));

        final RockletException error = assertThrows(RockletException.class, () -> producer.send(message("m")));

        assertTrue(error.retriable());
        assertEquals(2, a.sends.size(), "a, b, then a again: not the broker that failed last");
        assertEquals(1, b.sends.size());
        assertTrue(error.getMessage().contains("attempts=3"), error.getMessage());
    }

    @Test
    void shouldWaitBeforeAskingABrokerAgainWhenEveryBrokerFailedTheSend()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg").retries(2));
        final List<Long> attemptsNs = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.onSend(request ->
        {
            attemptsNs.add(System.nanoTime());
            return attemptsNs.size() == 1 ? failure(ErrorCode.BUSY) :
                CompletableFuture.completedFuture(new SendResult("id-1", "broker-a", request.queueId(), 0, 1));
        });
        b.onSend(request ->
        {
            attemptsNs.add(System.nanoTime());
            return failure(ErrorCode.BUSY);
        });

        assertEquals("broker-a", producer.send(message("m")).queue().brokerName());

        assertEquals(3, attemptsNs.size(), "a, then b at once, then a again after a back-off");
        final long waitedMs = TimeUnit.NANOSECONDS.toMillis(attemptsNs.get(2) - attemptsNs.get(1));
        assertTrue(waitedMs >= 2 * SendOperation.FIRST_BACKOFF_MS, "waitedMs=" + waitedMs);
    }

    @Test
    void shouldSendAsyncMessagesAsOneBatchWhenAutoBatchIsOnAndTheBatchFills() throws Exception
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg").autoBatch(true)
            .batchLinger(Duration.ofHours(1)).batchMaxMessages(4));
        final List<CompletableFuture<SendReceipt>> receipts = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            receipts.add(producer.sendAsync(message("m" + i)));
        }
        for (final CompletableFuture<SendReceipt> receipt : receipts)
        {
            assertEquals(TOPIC, receipt.get(10, TimeUnit.SECONDS).queue().topic());
        }
        final List<SendBatchRequest> batches = new ArrayList<>(a.batches);
        batches.addAll(b.batches);
        assertEquals(1, batches.size(), "one request for the four");
        assertEquals(List.of("m0", "m1", "m2", "m3"), batches.get(0).messages().stream()
            .map(m -> new String(m.body(), StandardCharsets.UTF_8)).toList());
        assertTrue(a.sends.isEmpty() && b.sends.isEmpty());
        assertEquals(4, receipts.stream().map(r -> r.join().messageId()).distinct().count(), "each its own id");
    }

    @Test
    void shouldSendABatchWhenItsLingerEndsOrTheProducerCloses() throws Exception
    {
        final DefaultProducer lingering = producer(ProducerConfig.builder("pg").autoBatch(true)
            .batchLinger(Duration.ofMillis(20)));
        final CompletableFuture<SendReceipt> first = lingering.sendAsync(message("a"));
        final CompletableFuture<SendReceipt> second = lingering.sendAsync(message("b"));
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertEquals(2, a.batches.stream().mapToInt(batch -> batch.messages().size()).sum() +
            b.batches.stream().mapToInt(batch -> batch.messages().size()).sum());

        final DefaultProducer closing = producer(ProducerConfig.builder("pg-2").autoBatch(true)
            .batchLinger(Duration.ofHours(1)));
        final CompletableFuture<SendReceipt> waiting = closing.sendAsync(message("c"));
        closing.close();
        assertEquals(TOPIC, waiting.get(10, TimeUnit.SECONDS).queue().topic(), "close sends what was accepted");
    }

    @Test
    void shouldSendDelayedMessagesAloneWhenAutoBatchIsOn() throws Exception
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg").autoBatch(true)
            .batchLinger(Duration.ofHours(1)));
        producer.sendAsync(Message.builder(TOPIC).body("later").delayLevel(2).build()).get(10, TimeUnit.SECONDS);
        assertEquals(1, a.sends.size() + b.sends.size());
        assertTrue(a.batches.isEmpty() && b.batches.isEmpty());
    }

    @Test
    void shouldRetryWhenAttemptTimesOutAndTimeRemains()
    {
        context.close();
        context = new DefaultClientContext(cluster.clientConfig().requestTimeout(Duration.ofMillis(100)).build(),
            cluster.transport);
        final DefaultProducer producer = producer(ProducerConfig.builder("pg").sendTimeout(Duration.ofSeconds(10)));
        a.onSend(request -> new CompletableFuture<>());

        assertEquals("broker-b", producer.send(message("m")).queue().brokerName());
    }

    @Test
    void shouldFailWithTimeoutWhenNoBrokerAnswersWithinSendTimeout()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg").sendTimeout(Duration.ofMillis(200)));
        a.onSend(request -> new CompletableFuture<>());
        b.onSend(request -> new CompletableFuture<>());
        final long start = System.nanoTime();

        final RockletException error = assertThrows(RockletException.class, () -> producer.send(message("m")));

        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(ErrorCode.TIMEOUT, error.errorCode());
        assertTrue(error.getMessage().contains("sendTimeoutMs=200"), error.getMessage());
        assertTrue(elapsedMs >= 150 && elapsedMs < 1_500, "elapsedMs=" + elapsedMs);
    }

    @Test
    void shouldAvoidFailingBrokerUntilIsolationEnds()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"), clock);
        final AtomicInteger failures = new AtomicInteger(1);
        a.onSend(request -> failures.getAndDecrement() > 0 ? failure(ErrorCode.BROKER_UNAVAILABLE) :
            CompletableFuture.completedFuture(new SendResult("x", "broker-a", request.queueId(), 0, 0)));

        assertEquals("broker-b", producer.send(message("first")).queue().brokerName());
        final Set<String> during = new HashSet<>();
        for (int i = 0; i < 6; i++)
        {
            during.add(producer.send(message("m" + i)).queue().brokerName());
        }
        assertEquals(Set.of("broker-b"), during);
        assertEquals(1, a.sends.size());

        clock.advance(DefaultProducer.FAULT_ISOLATION.toNanos());
        final Set<String> after = new HashSet<>();
        for (int i = 0; i < 8; i++)
        {
            after.add(producer.send(message("m" + i)).queue().brokerName());
        }
        assertEquals(Set.of("broker-a", "broker-b"), after);
    }

    @Test
    void shouldInvalidateRouteWhenSendFails()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        producer.send(message("m"));
        assertEquals(1, cluster.routerStub.routeQueries.get());
        a.onSend(request -> failure(ErrorCode.BUSY));

        producer.send(message("m"));
        producer.send(message("m"));

        assertEquals(2, cluster.routerStub.routeQueries.get());
    }

    @Test
    void shouldSendOnlyToTheNewRoutesQueuesWhenTheRouteChanges()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        producer.send(message("m"));                          // the targets of the first route are kept for reuse
        b.topics.remove(TOPIC);
        cluster.register(b);                                   // the router now routes T to broker-a only
        context.invalidateRoute(TOPIC);

        final Set<String> brokers = new HashSet<>();
        for (int i = 0; i < 8; i++)
        {
            brokers.add(producer.send(message("m" + i)).queue().brokerName());
        }

        assertEquals(Set.of("broker-a"), brokers, "targets follow the new route, not the reused ones");
    }

    @Test
    void shouldKeepShardingKeyOnOneQueue()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        final List<MessageQueue> sorted = List.of(q("broker-a", 0), q("broker-a", 1), q("broker-a", 2),
            q("broker-a", 3), q("broker-b", 0), q("broker-b", 1), q("broker-b", 2), q("broker-b", 3));

        final Set<MessageQueue> chosen = new HashSet<>();
        for (int i = 0; i < 10; i++)
        {
            chosen.add(producer.send(message("m" + i), "order-42").queue());
        }

        assertEquals(Set.of(sorted.get(Math.floorMod("order-42".hashCode(), 8))), chosen);
    }

    @Test
    void shouldUseConfiguredSelectorAndNotRetryElsewhereWhenShardedSendFails()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg")
            .queueSelector((queues, key) -> queues.get(Integer.parseInt(key))));
        assertEquals(q("broker-b", 1), producer.send(message("m"), "5").queue());
        a.onSend(request -> failure(ErrorCode.BUSY));

        final RockletException error = assertThrows(RockletException.class, () -> producer.send(message("m"), "2"));

        assertEquals(ErrorCode.BUSY, error.errorCode());
        assertEquals(1, b.sends.size());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(RockletException.class,
            () -> producer.send(message("m"), "99")).errorCode());
    }

    @Test
    void shouldSendBatchToOneQueueWhenBatchIsSent()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));

        final List<SendReceipt> first = producer.send(List.of(message("1"), message("2"), message("3")));
        final List<SendReceipt> second = producer.send(List.of(message("4")));

        assertEquals(3, first.size());
        assertEquals(Set.of(q("broker-a", 0)), first.stream().map(SendReceipt::queue).collect(Collectors.toSet()));
        assertEquals(List.of(0L, 1L, 2L), first.stream().map(SendReceipt::queueOffset).toList());
        assertEquals(q("broker-a", 1), second.get(0).queue());
        assertEquals(2, a.batches.size());
        assertEquals(3, a.batches.get(0).messages().size());
    }

    @Test
    void shouldRefuseIllegalBatchBeforeAnyIo()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg").maxBodyBytes(10));

        assertThrows(InvalidArgumentException.class, () -> producer.send(List.<Message>of()));
        assertThrows(InvalidArgumentException.class, () -> producer.send(List.of(message("1"),
            Message.of("U", new byte[1]))));
        final RockletException tooLarge = assertThrows(RockletException.class, () -> producer.send(List.of(
            message("123456"), message("123456"))));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, tooLarge.errorCode());
        assertEquals(0, cluster.routerStub.routeQueries.get());
    }

    @Test
    void shouldCompleteFutureWhenSentAsync() throws Exception
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        final CompletableFuture<SendResult> answer = new CompletableFuture<>();
        a.onSend(request -> answer);

        final CompletableFuture<SendReceipt> receipt = producer.sendAsync(message("m"));
        assertFalse(receipt.isDone(), "the caller is not blocked while the broker works");
        answer.complete(new SendResult("id", "broker-a", 0, 9, 0));

        assertEquals(9, receipt.get(5, TimeUnit.SECONDS).queueOffset());
        assertEquals(TOPIC, producer.sendAsync(message("m"), "k").get(5, TimeUnit.SECONDS).queue().topic());
    }

    @Test
    void shouldFailFutureWhenAsyncSendFails()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        a.onSend(request -> failure(ErrorCode.PERMISSION_DENIED));

        final ExecutionException error = assertThrows(ExecutionException.class,
            () -> producer.sendAsync(message("m")).get(5, TimeUnit.SECONDS));

        assertEquals(ErrorCode.PERMISSION_DENIED, ((RockletException)error.getCause()).errorCode());
    }

    @Test
    void shouldSendOnewayWithoutWaitingOrRetrying()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        a.onSend(request -> new CompletableFuture<>());

        producer.sendOneway(message("m"));
        assertEquals(1, a.sends.size());

        a.onSend(request -> failure(ErrorCode.BUSY));
        producer.sendOneway(message("m"));
        assertEquals(2, a.sends.size());
        assertTrue(b.sends.isEmpty(), "a one-way send is not retried");
    }

    @Test
    void shouldRejectIllegalMessageBeforeAnyIo()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg").maxBodyBytes(4));

        final RockletException tooLarge = assertThrows(RockletException.class, () -> producer.send(message("12345")));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, tooLarge.errorCode());
        assertTrue(tooLarge.getMessage().contains("topic=T") && tooLarge.getMessage().contains("bodyBytes=5"),
            tooLarge.getMessage());
        assertEquals(ErrorCode.ILLEGAL_TOPIC, assertThrows(RockletException.class,
            () -> producer.send(Message.of("%RETRY%g", new byte[1]))).errorCode());
        assertEquals(ErrorCode.ILLEGAL_TOPIC, assertThrows(RockletException.class,
            () -> producer.sendOneway(Message.of("%DLQ%g", new byte[1]))).errorCode());
        assertThrows(InvalidArgumentException.class, () -> producer.send((Message)null));
        assertThrows(InvalidArgumentException.class, () -> producer.send(message("1"), null));
        final CompletableFuture<SendReceipt> async = producer.sendAsync(message("12345"));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE,
            ((RockletException)assertThrows(ExecutionException.class, async::get).getCause()).errorCode());

        assertEquals(0, cluster.routerStub.routeQueries.get());
        assertTrue(a.sends.isEmpty() && b.sends.isEmpty());
    }

    @Test
    void shouldRefuseSendsAndUnregisterWhenClosed()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        producer.send(message("m"));
        assertEquals(List.of("pg"), context.currentHeartbeat().producerGroups());

        producer.close();
        producer.close();

        assertThrows(ClosedException.class, () -> producer.send(message("m")));
        assertThrows(ClosedException.class, () -> producer.sendOneway(message("m")));
        assertInstanceOf(ClosedException.class, assertThrows(ExecutionException.class,
            () -> producer.sendAsync(message("m")).get()).getCause());
        assertEquals(List.of(), context.currentHeartbeat().producerGroups());
        Await.until(() -> a.unregistered.contains(context.clientId() + "/pg"), Duration.ofSeconds(5), "unregistered");
    }

    @Test
    void shouldSendToKnownBrokerWhenTopicHasNoRouteYet()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));
        a.autoCreate(true);

        final SendReceipt receipt = producer.send(Message.of("NEW", new byte[1]));

        assertEquals(new MessageQueue("NEW", "broker-a", 0), receipt.queue());
        assertTrue(a.topics.containsKey("NEW"));
        assertEquals(1, cluster.routerStub.clusterQueries.get());
    }

    @Test
    void shouldReportTopicNotFoundWhenBrokerDoesNotCreateTopics()
    {
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));

        final RockletException error = assertThrows(RockletException.class,
            () -> producer.send(Message.of("NEW", new byte[1])));

        assertEquals(ErrorCode.TOPIC_NOT_FOUND, error.errorCode());
        assertTrue(error.getMessage().contains("topic=NEW"), error.getMessage());
        assertEquals(1, a.sends.size() + b.sends.size());
    }

    @Test
    void shouldFailWithNoRouteWhenNoBrokerIsKnown()
    {
        cluster.router.unregisterBroker(a.identity).join();
        cluster.router.unregisterBroker(b.identity).join();
        final DefaultProducer producer = producer(ProducerConfig.builder("pg"));

        final RockletException error = assertThrows(RockletException.class, () -> producer.send(message("m")));

        assertEquals(ErrorCode.NO_ROUTE, error.errorCode());
    }

    private DefaultProducer producer(final ProducerConfig.Builder config)
    {
        return producer(config, SystemNanoClock.INSTANCE);
    }

    private DefaultProducer producer(final ProducerConfig.Builder config, final NanoClock clock)
    {
        final DefaultProducer producer = new DefaultProducer(context, config.build(), null, clock,
            SystemEpochClock.INSTANCE);
        producers.add(producer);
        return producer;
    }

    private static Message message(final String body)
    {
        return Message.of(TOPIC, body.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageQueue q(final String broker, final int id)
    {
        return new MessageQueue(TOPIC, broker, id);
    }
}

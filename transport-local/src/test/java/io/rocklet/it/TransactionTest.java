package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.Transaction;
import io.rocklet.api.TransactionChecker;
import io.rocklet.api.TransactionProducer;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionStatus;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.broker.transaction.TransactionConfig;
import io.rocklet.embedded.EmbeddedRocklet;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactional messages end to end under the local transport (F21): half messages invisible to consumers, commit
 * and rollback, idempotent outcomes, check-back through the producer group's checker on the broker's clock (injected
 * and advanced by hand), the maximum number of checks, restart and crash between half and outcome, many transactions
 * from several threads, and bad input.
 */
@Timeout(60)
class TransactionTest
{
    static final String TOPIC = "orders";
    static final String GROUP = "txn-producer";
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldDeliverOnCommitOnlyOnceKeepingIdKeysAndPropertiesAndNeverOnRollback()
    {
        clock.update(System.currentTimeMillis());
        try (EmbeddedRocklet rocklet = start(TransactionConfig.DEFAULT))
        {
            rocklet.createTopic(TOPIC, 2);
            final TransactionProducer producer = producer(rocklet, (message, id) -> TransactionResolution.UNKNOWN);
            final Transaction kept = producer.begin(Message.builder(TOPIC).tag("paid").key("order-1")
                .property("amount", "42").body("kept").build());
            final Transaction dropped = producer.begin(Message.builder(TOPIC).body("dropped").build());
            final PullConsumer consumer = consumer(rocklet);
            assertEquals(List.of(), texts(consumer.poll(POLL)), "half messages are invisible");
            assertEquals(2, rocklet.admin().transactions(GROUP).size(), "both open");

            kept.commit();
            dropped.rollback();
            kept.commit(); // idempotent
            dropped.rollback();

            final List<ReceivedMessage> received = pollUntil(consumer, 1);
            assertEquals(List.of("kept"), texts(received));
            final ReceivedMessage message = received.get(0);
            assertEquals(kept.messageId(), message.messageId());
            assertEquals(List.of("order-1"), message.keys());
            assertEquals("paid", message.tag());
            assertEquals("42", message.properties().get("amount"));
            assertEquals(kept.receipt().queue().queueId(), message.queue().queueId());
            assertEquals(List.of(), texts(consumer.poll(POLL)), "delivered once, the rollback never");
            assertEquals(List.of(), rocklet.admin().transactions(GROUP));

            final InvalidArgumentException refused = assertThrows(InvalidArgumentException.class, dropped::commit);
            assertTrue(refused.getMessage().contains("status=ALREADY_ROLLED_BACK"), refused.getMessage());
            assertTrue(assertThrows(InvalidArgumentException.class, kept::rollback).getMessage()
                .contains("status=ALREADY_COMMITTED"));
        }
    }

    @Test
    void shouldAskALiveProducerOfTheGroupWhenTheOutcomeNeverArrives()
    {
        clock.update(System.currentTimeMillis());
        try (EmbeddedRocklet rocklet = start(TransactionConfig.DEFAULT))
        {
            rocklet.createTopic(TOPIC, 1);
            final Set<String> asked = ConcurrentHashMap.newKeySet();
            final TransactionProducer producer = producer(rocklet, (message, id) ->
            {
                asked.add(text(message.body()));
                return text(message.body()).startsWith("yes") ? TransactionResolution.COMMIT :
                    TransactionResolution.ROLLBACK;
            });
            producer.begin(Message.builder(TOPIC).body("yes").build());
            producer.begin(Message.builder(TOPIC).body("no").build());
            producer.begin(Message.builder(TOPIC).property(SystemProperties.CHECK_IMMUNITY_TIME_IN_SECONDS, "60")
                .body("yes, later").build());
            final PullConsumer consumer = consumer(rocklet);

            clock.advance(29_000);
            assertEquals(List.of(), texts(consumer.poll(POLL)), "no check before the check interval");
            clock.advance(1_000);
            assertEquals(List.of("yes"), texts(pollUntil(consumer, 1)), "checked after 30 s");
            Await.until(() -> rocklet.admin().transactions(GROUP).size() == 1, () -> "the rollback arrives");
            assertEquals(Set.of("yes", "no"), asked, "its own 60 s timeout keeps the third from the first check");

            clock.advance(30_000);
            assertEquals(List.of("yes, later"), texts(pollUntil(consumer, 1)));
            Await.until(() -> rocklet.admin().transactions(GROUP).isEmpty(), () -> "every transaction finished");
            assertEquals(List.of(), texts(consumer.poll(POLL)));
        }
    }

    @Test
    void shouldRollBackAndListTheTransactionWhenTheMaximumNumberOfChecksIsReached()
    {
        clock.update(System.currentTimeMillis());
        final TransactionConfig config = TransactionConfig.builder().checkInterval(Duration.ofSeconds(1))
            .timeout(Duration.ofSeconds(1)).maxChecks(3).build();
        try (EmbeddedRocklet rocklet = start(config))
        {
            rocklet.createTopic(TOPIC, 1);
            final AtomicInteger checks = new AtomicInteger();
            final TransactionProducer producer = producer(rocklet, (message, id) ->
            {
                if (checks.incrementAndGet() == 2)
                {
                    throw new IllegalStateException("the application's database is down"); // counts as UNKNOWN
                }
                return TransactionResolution.UNKNOWN;
            });
            final Transaction transaction = producer.begin(Message.builder(TOPIC).body("never").build());
            for (int round = 1; round <= 3; round++)
            {
                clock.advance(1_000);
                final int expected = round;
                Await.until(() -> checks.get() == expected, () -> "check " + expected + " asked, checks=" + checks);
            }
            clock.advance(1_000);
            Await.until(() -> rocklet.admin().transactions(GROUP).stream()
                .anyMatch(t -> t.state() == TransactionInfo.State.ROLLED_BACK_AFTER_MAX_CHECKS),
                () -> "rolled back after 3 checks: " + rocklet.admin().transactions(GROUP));
            final TransactionInfo info = rocklet.admin().transactions(GROUP).get(0);
            assertEquals(transaction.messageId(), info.messageId());
            assertEquals(3, info.checks());
            assertEquals(TOPIC, info.topic());
            assertThrows(InvalidArgumentException.class, transaction::commit);
            assertEquals(List.of(), texts(consumer(rocklet).poll(POLL)));
        }
    }

    @Test
    void shouldWaitWithTheCheckWhileTheGroupHasNoLiveProducer()
    {
        clock.update(System.currentTimeMillis());
        try (EmbeddedRocklet rocklet = start(TransactionConfig.DEFAULT))
        {
            rocklet.createTopic(TOPIC, 1);
            final TransactionProducer producer = producer(rocklet, (message, id) -> TransactionResolution.COMMIT);
            producer.begin(Message.builder(TOPIC).body("waits").build());
            producer.close(); // no live producer of the group left
            clock.advance(30_000);
            Await.until(() -> rocklet.broker().transactionChecksWaiting() == 1, () -> "the check waits, counted");
            assertEquals(0, rocklet.admin().transactions(GROUP).get(0).checks(), "not counted as a check");

            producer(rocklet, (message, id) -> TransactionResolution.COMMIT);
            clock.advance(30_000);
            assertEquals(List.of("waits"), texts(pollUntil(consumer(rocklet), 1)));
        }
    }

    @Test
    void shouldCommitAfterARestartAndAfterACrashBetweenHalfAndOutcome()
    {
        clock.update(System.currentTimeMillis());
        final String restartedId;
        final Path crashImage = dir.resolveSibling(dir.getFileName() + "-crash");
        try (EmbeddedRocklet rocklet = start(TransactionConfig.DEFAULT))
        {
            rocklet.createTopic(TOPIC, 1);
            final TransactionProducer producer = producer(rocklet, (message, id) -> TransactionResolution.UNKNOWN);
            restartedId = producer.begin(Message.builder(TOPIC).body("restarted").build()).messageId();
            producer.begin(Message.builder(TOPIC).body("crashed").build());
            copy(dir, crashImage); // what a SIGKILL leaves on disk: the log with both halves, no checkpoint
        }
        try (EmbeddedRocklet rocklet = start(TransactionConfig.DEFAULT))
        {
            final TransactionInfo open = rocklet.admin().transactions(GROUP).get(0);
            assertEquals(restartedId, open.messageId());
            final EndTransactionRequest commit = new EndTransactionRequest(GROUP, TOPIC, open.messageId(),
                open.halfOffset(), TransactionResolution.COMMIT, false);
            assertEquals(EndTransactionStatus.COMMITTED, rocklet.broker().endTransaction(commit).join());
            assertEquals(EndTransactionStatus.ALREADY_COMMITTED, rocklet.broker().endTransaction(commit).join());
            assertEquals(List.of("restarted"), texts(pollUntil(consumer(rocklet), 1)));
        }
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().dataDirectory(crashImage)
            .broker(broker -> broker.clock(clock)).start())
        {
            assertEquals(2, rocklet.admin().transactions(GROUP).size(), "both open after the crash");
            producer(rocklet, (message, id) -> text(message.body()).equals("crashed") ?
                TransactionResolution.COMMIT : TransactionResolution.ROLLBACK);
            clock.advance(30_000);
            final PullConsumer consumer = consumer(rocklet);
            assertEquals(List.of("crashed"), texts(pollUntil(consumer, 1)));
            Await.until(() -> rocklet.admin().transactions(GROUP).isEmpty(), () -> "both finished by the check");
            assertEquals(List.of(), texts(consumer.poll(POLL)));
        }
    }

    @Test
    void shouldDeliverEveryCommittedTransactionOnceWhenManyThreadsCommitAndRollBack() throws Exception
    {
        clock.update(System.currentTimeMillis());
        final int threads = 4;
        final int perThread = 50;
        try (EmbeddedRocklet rocklet = start(TransactionConfig.DEFAULT))
        {
            rocklet.createTopic(TOPIC, 4);
            final TransactionProducer producer = producer(rocklet, (message, id) -> TransactionResolution.UNKNOWN);
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                done.add(pool.submit(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        final String body = thread + "-" + i;
                        final TransactionResolution outcome = (thread + i) % 2 == 0 ? TransactionResolution.COMMIT :
                            TransactionResolution.ROLLBACK;
                        producer.send(Message.builder(TOPIC).body(body).build(), transaction -> outcome);
                    }
                }));
            }
            for (final Future<?> future : done)
            {
                future.get();
            }
            pool.shutdown();
            final List<String> received = texts(pollUntil(consumer(rocklet), threads * perThread / 2));
            assertEquals(threads * perThread / 2, received.size());
            assertEquals(received.size(), new HashSet<>(received).size(), "each once");
            assertTrue(received.stream().allMatch(body ->
            {
                final String[] parts = body.split("-");
                return (Integer.parseInt(parts[0]) + Integer.parseInt(parts[1])) % 2 == 0;
            }), "only committed ones: " + received);
            assertEquals(List.of(), rocklet.admin().transactions(GROUP));
        }
    }

    @Test
    void shouldRefuseBadTransactionalInputWithAClearError()
    {
        clock.update(System.currentTimeMillis());
        try (EmbeddedRocklet rocklet = start(TransactionConfig.DEFAULT))
        {
            rocklet.createTopic(TOPIC, 1);
            final TransactionProducer producer = producer(rocklet, (message, id) -> TransactionResolution.COMMIT);
            final InvalidArgumentException delayed = assertThrows(InvalidArgumentException.class, () ->
                producer.begin(Message.builder(TOPIC).delayLevel(2).body("x").build()));
            assertTrue(delayed.getMessage().contains("cannot be delayed") && delayed.getMessage().contains(TOPIC));
            final Message half = Message.builder(TOPIC).property(SystemProperties.TRANSACTION_PREPARED, "true")
                .body("x").build();
            final CompletionException onBroker = assertThrows(CompletionException.class, () ->
                rocklet.broker().send(new SendRequest(GROUP, "c", half, 0, 1, 2)).join());
            assertTrue(onBroker.getCause().getMessage().contains("cannot be delayed"), onBroker.getMessage());
            final RockletException tooLarge = assertThrows(RockletException.class, () ->
                producer.begin(Message.builder(TOPIC).body(new byte[4 * 1024 * 1024 + 1]).build()));
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, tooLarge.errorCode());
            final RockletException badTimeout = assertThrows(RockletException.class, () -> producer.begin(
                Message.builder(TOPIC).property(SystemProperties.CHECK_IMMUNITY_TIME_IN_SECONDS, "soon").body("x")
                    .build()));
            assertTrue(badTimeout.getMessage().contains(SystemProperties.CHECK_IMMUNITY_TIME_IN_SECONDS + "=soon"),
                badTimeout.getMessage());

            final Transaction transaction = producer.begin(Message.builder(TOPIC).body("x").build());
            assertEquals(EndTransactionStatus.NOT_FOUND, rocklet.broker().endTransaction(new EndTransactionRequest(
                GROUP, TOPIC, "0A0000000000000000000000000000FF", transaction.receipt().queueOffset(),
                TransactionResolution.COMMIT, false)).join(), "another message's id");
            assertEquals(EndTransactionStatus.NOT_FOUND, rocklet.broker().endTransaction(new EndTransactionRequest(
                GROUP, TOPIC, transaction.messageId(), 1_000, TransactionResolution.COMMIT, false)).join(),
                "no half message there");
            final CompletionException unknown = assertThrows(CompletionException.class, () -> rocklet.broker()
                .endTransaction(new EndTransactionRequest(GROUP, TOPIC, transaction.messageId(),
                    transaction.receipt().queueOffset(), TransactionResolution.UNKNOWN, false)).join());
            assertEquals(ErrorCode.INVALID_ARGUMENT, ((RockletException) unknown.getCause()).errorCode());
            transaction.commit();
        }
    }

    EmbeddedRocklet start(final TransactionConfig transactions)
    {
        return EmbeddedRocklet.builder().dataDirectory(dir)
            .broker(broker -> broker.clock(clock).transactions(transactions))
            .start();
    }

    static TransactionProducer producer(final EmbeddedRocklet rocklet, final TransactionChecker checker)
    {
        return rocklet.client().newTransactionProducer(ProducerConfig.builder(GROUP).build(), checker);
    }

    static PullConsumer consumer(final EmbeddedRocklet rocklet)
    {
        final PullConsumer consumer = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder("pc")
            .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build());
        consumer.assign(consumer.queues(TOPIC));
        return consumer;
    }

    static List<ReceivedMessage> pollUntil(final PullConsumer consumer, final int count)
    {
        final List<ReceivedMessage> received = new ArrayList<>();
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (received.size() < count && System.nanoTime() < deadline)
        {
            received.addAll(consumer.poll(POLL));
        }
        return received;
    }

    static List<String> texts(final List<ReceivedMessage> messages)
    {
        return messages.stream().map(m -> text(m.bodyBytes())).toList();
    }

    static String text(final byte[] body)
    {
        return new String(body, StandardCharsets.UTF_8);
    }

    static void copy(final Path from, final Path to)
    {
        try (Stream<Path> files = Files.walk(from))
        {
            for (final Path file : files.toList())
            {
                final Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file))
                {
                    Files.createDirectories(target);
                }
                else if (!file.getFileName().toString().equals("lock"))
                {
                    try
                    {
                        Files.copy(file, target);
                    }
                    catch (final java.nio.file.NoSuchFileException renamed)
                    {
                        // renamed or deleted by the running broker after the walk listed it (an index file being
                        // created): a crash at this instant may miss it too, and recovery rebuilds what is missing
                    }
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}

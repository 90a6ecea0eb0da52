package io.rocklet.it;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Limits;
import io.rocklet.api.Message;
import io.rocklet.api.MessageListener;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input (F3, F11, section 5) gets a clear error naming what was wrong, before any I/O where the client can
 * tell; the broker refuses what only it can judge; closed components refuse work with ClosedException and close
 * idempotently; and the broker stays up: a normal round trip works after all of it.
 */
@Timeout(60)
class BadInputTest
{
    private static final MessageListener OK = messages -> ConsumeResult.SUCCESS;

    @Test
    void shouldRefuseIllegalTopicNamesInMessagesAndAdmin()
    {
        final String tooLong = "t".repeat(Limits.MAX_TOPIC_LENGTH + 1);
        for (final String name : new String[] {"bad topic", "bad/topic", "", tooLong, "tópico"})
        {
            assertCode(ErrorCode.ILLEGAL_TOPIC, () -> Message.builder(name).body("x").build(), name);
            assertCode(ErrorCode.ILLEGAL_TOPIC, () -> TopicConfig.of(name, 4), name);
        }
        assertCode(ErrorCode.ILLEGAL_TOPIC, () -> Message.builder(null).body("x").build(), "null");
        assertTrue(message(() -> Message.builder("bad topic").body("x").build()).contains("bad topic"));
        assertTrue(message(() -> Message.builder(tooLong).body("x").build()).contains("maxLength=127"));

        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            for (final String name : new String[] {"bad topic", "", tooLong})
            {
                assertCode(ErrorCode.ILLEGAL_TOPIC, () -> rocklet.admin().deleteTopic(name), name);
                assertCode(ErrorCode.ILLEGAL_TOPIC, () -> rocklet.admin().queues(name), name);
                assertCode(ErrorCode.ILLEGAL_TOPIC, () -> rocklet.admin().resetOffsets("g", name,
                    ConsumeFrom.Position.FIRST), name);
            }
            for (final String system : List.of(SystemTopics.retryTopic("g"), SystemTopics.dlqTopic("g"),
                SystemTopics.SCHEDULE_TOPIC, "%mine"))
            {
                final String error = message(() -> rocklet.admin().createTopic(TopicConfig.of(system, 1)));
                assertTrue(error.contains(system), error);
                assertCode(ErrorCode.ILLEGAL_TOPIC, () -> rocklet.admin().createTopic(TopicConfig.of(system, 1)),
                    system);
            }
            assertCode(ErrorCode.TOPIC_NOT_FOUND, () -> rocklet.admin().deleteTopic("never-created"), "delete");
            assertRoundTrip(rocklet);
        }
    }

    @Test
    void shouldAnswerInvalidArgumentWhenARouteQueryHasAnEmptyTopic()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic("orders", 4);
            final CompletableFuture<?> route = rocklet.transport().router(rocklet.router().address()).queryRoute("");
            assertFailedWith(ErrorCode.INVALID_ARGUMENT, route);
            final ExecutionException error = assertThrows(ExecutionException.class, route::get);
            assertTrue(error.getCause().getMessage().contains("field=topic"), error.getCause().getMessage());
            assertRoundTrip(rocklet);
        }
    }

    @Test
    void shouldRefuseAnOversizeBodyBeforeAnyIoAndByTheBrokersOwnLimit()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().broker(broker -> broker.maxBodyBytes(1024)).start())
        {
            final Producer producer = rocklet.newProducer("pg");
            final Message huge = Message.builder("big").body(new byte[Limits.DEFAULT_MAX_BODY_BYTES + 1]).build();
            final String error = message(() -> producer.send(huge));
            assertTrue(error.contains("bodyBytes=" + (Limits.DEFAULT_MAX_BODY_BYTES + 1)) && error.contains("big"),
                error);
            assertCode(ErrorCode.MESSAGE_TOO_LARGE, () -> producer.send(huge), "sync");
            assertCode(ErrorCode.MESSAGE_TOO_LARGE, () -> producer.sendOneway(huge), "one-way");
            assertCode(ErrorCode.MESSAGE_TOO_LARGE, () -> producer.send(huge, "key"), "sharded");
            assertCode(ErrorCode.MESSAGE_TOO_LARGE, () -> producer.send(List.of(huge)), "batch");
            assertFailedWith(ErrorCode.MESSAGE_TOO_LARGE, producer.sendAsync(huge));

            // the broker's limit (1 KiB) is below the producer's (4 MiB): the broker refuses, not retriable
            final Message twoKib = Message.builder("big").body(new byte[2048]).build();
            final RockletException refused = assertThrows(RockletException.class, () -> producer.send(twoKib));
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, refused.errorCode(), refused.toString());
            assertFalse(refused.retriable());
            assertTrue(refused.getMessage().contains("2048"), refused.getMessage());

            // before any I/O: with the broker gone, the check still answers MESSAGE_TOO_LARGE, not a network error
            rocklet.broker().close();
            assertCode(ErrorCode.MESSAGE_TOO_LARGE, () -> producer.send(huge), "without a broker");
        }
    }

    @Test
    void shouldRefuseAnEmptyBodyAtTheProducerAndAtTheBroker()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            final Producer producer = rocklet.newProducer("pg");
            final Message empty = Message.builder("hollow").body(new byte[0]).build();
            for (final Executable send : List.<Executable>of(() -> producer.send(empty),
                () -> producer.sendOneway(empty), () -> producer.send(empty, "key"), () -> producer.send(List.of(empty))))
            {
                final RockletException refused = assertThrows(RockletException.class, send);
                assertEquals(ErrorCode.INVALID_ARGUMENT, refused.errorCode(), refused.toString());
                assertTrue(refused.getMessage().contains("empty") && refused.getMessage().contains("hollow"),
                    refused.getMessage());
            }
            assertFailedWith(ErrorCode.INVALID_ARGUMENT, producer.sendAsync(empty));

            final BrokerService broker = rocklet.transport().broker(rocklet.broker().address());
            final CompletableFuture<SendResult> raw = broker.send(new SendRequest("pg", "raw", empty, 0, 0, 0));
            final ExecutionException error = assertThrows(ExecutionException.class, () -> raw.get(10,
                TimeUnit.SECONDS));
            final RockletException cause = (RockletException) error.getCause();
            assertEquals(ErrorCode.INVALID_ARGUMENT, cause.errorCode(), cause.toString());
            assertTrue(cause.getMessage().contains("empty") && cause.getMessage().contains("hollow"),
                cause.getMessage());
            assertFailedWith(ErrorCode.INVALID_ARGUMENT, broker.sendBatch(new SendBatchRequest("pg", "raw", "hollow", 0,
                List.of(empty), 0)));
            assertRoundTrip(rocklet);
        }
    }

    @Test
    void shouldRefuseADelayLevelOutsideTheBrokersLevels()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder()
            .delayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2))).start())
        {
            final BrokerService broker = rocklet.transport().broker(rocklet.broker().address());
            final Message message = Message.builder("later").body("x").build();
            for (final int level : new int[] {3, 99, -1})
            {
                final ExecutionException error = assertThrows(ExecutionException.class, () -> broker.send(
                    new SendRequest("pg", "raw", message, 0, 0, level)).get(10, TimeUnit.SECONDS));
                final RockletException cause = (RockletException) error.getCause();
                assertEquals(ErrorCode.INVALID_ARGUMENT, cause.errorCode(), cause.toString());
                assertTrue(cause.getMessage().contains("delayLevel=" + level) &&
                    cause.getMessage().contains("levels=2"), cause.getMessage());
            }
            final SendResult sent = broker.send(new SendRequest("pg", "raw", message, 0, 0, 0)).join();
            final ExecutionException error = assertThrows(ExecutionException.class, () -> broker.sendBack(
                new SendBackRequest("g", sent.messageId(), "later", 3, 16)).get(10, TimeUnit.SECONDS));
            final RockletException cause = (RockletException) error.getCause();
            assertEquals(ErrorCode.INVALID_ARGUMENT, cause.errorCode(), cause.toString());
            assertTrue(cause.getMessage().contains("delayLevel=3") && cause.getMessage().contains("levels=2"),
                cause.getMessage());
            assertRoundTrip(rocklet);
        }
    }

    @Test
    void shouldAnswerTopicNotFoundWhenAutoCreateIsOff()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().autoCreateTopics(false).start())
        {
            final Producer producer = rocklet.newProducer(ProducerConfig.builder("pg")
                .sendTimeout(Duration.ofSeconds(2)).build());
            final RockletException missing = assertThrows(RockletException.class,
                () -> producer.send(Message.builder("nowhere").body("x").build()));
            assertEquals(ErrorCode.TOPIC_NOT_FOUND, missing.errorCode(), missing.toString());
            assertTrue(missing.getMessage().contains("nowhere"), missing.getMessage());
            assertFailedWith(ErrorCode.TOPIC_NOT_FOUND, producer.sendAsync(Message.builder("nowhere").body("x")
                .build()));
            rocklet.createTopic("somewhere", 2);
            producer.send(Message.builder("somewhere").body("x").build());
        }
    }

    @Test
    void shouldRefuseToSendToASystemTopic()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            final Producer producer = rocklet.newProducer("pg");
            for (final String system : List.of(SystemTopics.retryTopic("g"), SystemTopics.dlqTopic("g"),
                SystemTopics.SCHEDULE_TOPIC))
            {
                final Message message = Message.builder(system).body("x").build();
                assertCode(ErrorCode.ILLEGAL_TOPIC, () -> producer.send(message), system);
                assertCode(ErrorCode.ILLEGAL_TOPIC, () -> producer.send(List.of(message)), system);
                assertFailedWith(ErrorCode.ILLEGAL_TOPIC, producer.sendAsync(message));
                assertTrue(message(() -> producer.send(message)).contains(system));
            }
            assertRoundTrip(rocklet);
        }
    }

    @Test
    void shouldRefuseWorkOnClosedComponentsAndCloseIdempotently()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic("t", 2);
            final RockletClient client = rocklet.newClient();
            final Producer producer = client.newProducer(ProducerConfig.builder("pg").build());
            final Message message = Message.builder("t").body("x").build();
            producer.close();
            producer.close();
            assertThrows(ClosedException.class, () -> producer.send(message));
            assertThrows(ClosedException.class, () -> producer.send(message, "k"));
            assertThrows(ClosedException.class, () -> producer.sendOneway(message));
            assertThrows(ClosedException.class, () -> producer.send(List.of(message)));
            assertFailedWith(ErrorCode.CLOSED, producer.sendAsync(message));

            final PushConsumer push = client.newPushConsumer(PushConsumerConfig.builder("g-push")
                .subscribe("t", "*").listener(OK).build());
            push.close();
            push.close();
            assertTrue(push.assignment().isEmpty());

            final PullConsumer pull = client.newPullConsumer(PullConsumerConfig.builder("g-pull").build());
            pull.subscribe("t", "*");
            pull.close();
            pull.close();
            assertThrows(ClosedException.class, () -> pull.poll(Duration.ZERO));
            assertThrows(ClosedException.class, () -> pull.subscribe("t", "*"));
            assertThrows(ClosedException.class, pull::commit);

            final Producer open = client.newProducer(ProducerConfig.builder("pg2").build());
            client.close();
            client.close();
            assertThrows(ClosedException.class, () -> open.send(message), "closed with its client");
            assertThrows(ClosedException.class, () -> client.newProducer(ProducerConfig.builder("pg3").build()));
            assertThrows(ClosedException.class, () -> client.newPushConsumer(PushConsumerConfig.builder("g2")
                .subscribe("t", "*").listener(OK).build()));
            assertThrows(ClosedException.class, () -> client.newPullConsumer(PullConsumerConfig.builder("g3")
                .build()));
            assertThrows(ClosedException.class, client::admin);
            assertRoundTrip(rocklet);
        }
        final EmbeddedRocklet closed = EmbeddedRocklet.ephemeral();
        closed.close();
        closed.close();
        assertThrows(ClosedException.class, closed::newClient);
    }

    @Test
    void shouldRefuseASecondConsumerOfOneGroupInOneClient()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic("t", 2);
            final RockletClient client = rocklet.newClient();
            final PushConsumer first = client.newPushConsumer(PushConsumerConfig.builder("g").subscribe("t", "*")
                .listener(OK).build());
            final InvalidArgumentException push = assertThrows(InvalidArgumentException.class,
                () -> client.newPushConsumer(PushConsumerConfig.builder("g").subscribe("t", "*").listener(OK)
                    .build()));
            assertTrue(push.getMessage().contains("group=g"), push.getMessage());
            assertThrows(InvalidArgumentException.class,
                () -> client.newPullConsumer(PullConsumerConfig.builder("g").build()));

            final PullConsumer pull = client.newPullConsumer(PullConsumerConfig.builder("h").build());
            assertThrows(InvalidArgumentException.class,
                () -> client.newPullConsumer(PullConsumerConfig.builder("h").build()), "a pull consumer not yet " +
                    "subscribed holds its group too");
            assertThrows(InvalidArgumentException.class,
                () -> client.newPushConsumer(PushConsumerConfig.builder("h").subscribe("t", "*").listener(OK)
                    .build()));

            first.close();
            pull.close();
            client.newPushConsumer(PushConsumerConfig.builder("g").subscribe("t", "*").listener(OK).build()).close();
            client.newPullConsumer(PullConsumerConfig.builder("h").build()).close();
            rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g").subscribe("t", "*").listener(OK)
                .build()).close();
        }
    }

    /**
     * After bad input, the broker still takes and delivers messages.
     */
    private static void assertRoundTrip(final EmbeddedRocklet rocklet)
    {
        final CompletableFuture<String> received = new CompletableFuture<>();
        final PushConsumer consumer = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-still-up")
            .subscribe("alive", "*")
            .consumeFrom(ConsumeFrom.FIRST)
            .listener(messages ->
            {
                received.complete(new String(messages.get(0).bodyBytes()));
                return ConsumeResult.SUCCESS;
            }).build());
        rocklet.newProducer("pg-alive").send(Message.builder("alive").body("still up").build());
        try
        {
            assertEquals("still up", received.get(30, TimeUnit.SECONDS));
        }
        catch (final Exception e)
        {
            throw new AssertionError("no round trip after bad input", e);
        }
        consumer.close();
    }

    private static void assertCode(final ErrorCode code, final Executable call, final String what)
    {
        final RockletException error = assertThrows(RockletException.class, call, what);
        assertEquals(code, error.errorCode(), what + ": " + error);
    }

    private static void assertFailedWith(final ErrorCode code, final CompletableFuture<?> future)
    {
        final ExecutionException error = assertThrows(ExecutionException.class, () -> future.get(10,
            TimeUnit.SECONDS));
        assertTrue(error.getCause() instanceof RockletException, error.toString());
        assertEquals(code, ((RockletException) error.getCause()).errorCode(), error.getCause().toString());
    }

    private static String message(final Executable call)
    {
        return assertThrows(RockletException.class, call).getMessage();
    }
}

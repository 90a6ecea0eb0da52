package io.rocklet.broker;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.api.spi.BrokerService.RecallRequest;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.api.spi.BrokerService.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.rocklet.broker.BrokerDelayTest.texts;
import static io.rocklet.broker.BrokerFixture.await;
import static io.rocklet.broker.BrokerFixture.failure;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Recall (cancel) of delayed messages through the broker: by delivery time and by level, before due, across a
 * restart and a reopen without a clean close, and the answers for messages that cannot be recalled.
 */
@Timeout(60)
class BrokerRecallTest
{
    @TempDir
    Path dir;
    BrokerFixture fixture;
    BrokerFixture crashed;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir.resolve("a"));
        fixture.config.delayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)));
        fixture.start();
        await(fixture.broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
        if (crashed != null)
        {
            crashed.close();
        }
    }

    @Test
    void shouldNeverDeliverATimedMessageRecalledBeforeDueAlsoAfterARestart()
    {
        final SendResult keep = sendTimed("keep", Duration.ofSeconds(30));
        final SendResult cancel = sendTimed("cancel", Duration.ofSeconds(30));
        fixture.drain();
        assertEquals(RecallStatus.RECALLED, recall(fixture, "orders", cancel.messageId()));
        assertEquals(RecallStatus.ALREADY_RECALLED, recall(fixture, "orders", cancel.messageId()));
        assertEquals(Map.of("orders", 1L), await(fixture.broker.status()).timedPending());

        fixture.restart();
        assertEquals(RecallStatus.ALREADY_RECALLED, recall(fixture, "orders", cancel.messageId()));
        fixture.advance(Duration.ofSeconds(30));
        fixture.drain();
        assertEquals(List.of("keep"), texts(fixture.pullNow("orders", 0, 0)));
        assertEquals(Map.of(), await(fixture.broker.status()).timedPending());
        assertEquals(RecallStatus.ALREADY_DUE, recall(fixture, "orders", keep.messageId()));
        fixture.restart();
        fixture.advance(Duration.ofHours(1));
        fixture.drain();
        assertEquals(List.of("keep"), texts(fixture.pullNow("orders", 0, 0)), "never delivered, keep once");
    }

    @Test
    void shouldRecallATimedMessageSentJustBeforeTheRecallBeforeTheTimerIndexedIt()
    {
        final SendResult cancel = sendTimed("cancel", Duration.ofSeconds(1));
        final CompletableFuture<RecallStatus> answer = fixture.broker.recall(new RecallRequest("orders",
            cancel.messageId()));
        fixture.drain(); // the recall runs before the timer step of the same duty cycle indexes the message
        assertEquals(RecallStatus.RECALLED, await(answer));
        fixture.advance(Duration.ofSeconds(2));
        fixture.drain();
        assertEquals(List.of(), texts(fixture.pullNow("orders", 0, 0)));
        assertEquals(Map.of(), await(fixture.broker.status()).timedPending());
    }

    @Test
    void shouldNeverDeliverARecalledTimedMessageWhenTheBrokerIsReopenedWithoutACleanClose() throws IOException
    {
        sendTimed("first", Duration.ofSeconds(20));
        fixture.advance(Duration.ofSeconds(6)); // the timer checkpoint is written (every 5 s): before the recall
        fixture.drain();
        final SendResult cancel = sendTimed("cancel", Duration.ofSeconds(10));
        sendTimed("last", Duration.ofSeconds(10));
        fixture.drain();
        assertEquals(RecallStatus.RECALLED, recall(fixture, "orders", cancel.messageId()));

        crashed = reopenCopy(); // as a crash leaves it: the checkpoint predates the recall and its record
        crashed.advance(Duration.ofSeconds(20)); // everything due at the first duty cycle
        crashed.drain();
        assertEquals(List.of("last", "first"), texts(crashed.pullNow("orders", 0, 0)));
        assertEquals(Map.of(), await(crashed.broker.status()).timedPending());
    }

    @Test
    void shouldNeverDeliverALevelMessageRecalledBeforeDueAndCountLevelMessagesPerTopic() throws IOException
    {
        final SendResult cancel = fixture.send(Message.builder("orders").body("cancel").build(), 0, 2);
        fixture.send(Message.builder("orders").body("keep").build(), 0, 2);
        fixture.drain();
        assertEquals(Map.of("orders", 2L), await(fixture.broker.status()).levelPending());
        assertEquals(RecallStatus.RECALLED, recall(fixture, "orders", cancel.messageId()));
        assertEquals(RecallStatus.ALREADY_RECALLED, recall(fixture, "orders", cancel.messageId()));
        assertEquals(Map.of("orders", 1L), await(fixture.broker.status()).levelPending());

        crashed = reopenCopy(); // the recall was written before it was answered
        fixture.restart();
        for (final BrokerFixture broker : List.of(fixture, crashed))
        {
            assertEquals(Map.of("orders", 1L), await(broker.broker.status()).levelPending());
            broker.advance(Duration.ofSeconds(5));
            broker.drain();
            assertEquals(List.of("keep"), texts(broker.pullNow("orders", 0, 0)));
            assertEquals(Map.of(), await(broker.broker.status()).levelPending());
            assertEquals(RecallStatus.ALREADY_DUE, recall(broker, "orders", cancel.messageId()));
        }
    }

    @Test
    void shouldAnswerWhyAMessageCannotBeRecalled()
    {
        final SendResult plain = fixture.send("orders", 0, "plain");
        final SendResult level = fixture.send(Message.builder("orders").body("level").build(), 0, 1);
        final SendResult timed = sendTimed("timed", Duration.ofSeconds(1));
        fixture.drain();
        assertEquals(RecallStatus.NOT_DELAYED, recall(fixture, "orders", plain.messageId()));
        assertEquals(RecallStatus.NOT_FOUND, recall(fixture, "orders", UniqueMessageIds.next(fixture.clock.time())));
        assertEquals(RecallStatus.NOT_FOUND, recall(fixture, "payments", timed.messageId()), "another topic");
        fixture.advance(Duration.ofSeconds(1));
        fixture.drain();
        assertEquals(RecallStatus.ALREADY_DUE, recall(fixture, "orders", level.messageId()));
        assertEquals(RecallStatus.ALREADY_DUE, recall(fixture, "orders", timed.messageId()));
        assertEquals(List.of("plain", "level", "timed"), texts(fixture.pullNow("orders", 0, 0)));

        final var malformed = failure(fixture.broker.recall(new RecallRequest("orders", "not-an-id")));
        assertEquals(ErrorCode.INVALID_ARGUMENT, malformed.errorCode());
        assertTrue(malformed.getMessage().contains("messageId=not-an-id"), malformed.getMessage());
        final var system = failure(fixture.broker.recall(new RecallRequest("%TIMER%", timed.messageId())));
        assertEquals(ErrorCode.INVALID_ARGUMENT, system.errorCode());
        assertTrue(system.getMessage().contains("topic=%TIMER%"), system.getMessage());
    }

    private SendResult sendTimed(final String body, final Duration delay)
    {
        return fixture.send(Message.builder("orders").deliverAfter(delay).body(body).build(), 0, 0);
    }

    private static RecallStatus recall(final BrokerFixture broker, final String topic, final String messageId)
    {
        final CompletableFuture<RecallStatus> answer = broker.broker.recall(new RecallRequest(topic, messageId));
        broker.drain();
        return await(answer);
    }

    private BrokerFixture reopenCopy() throws IOException
    {
        BrokerTimerTest.copy(dir.resolve("a"), dir.resolve("b"));
        final BrokerFixture copy = new BrokerFixture(dir.resolve("b"));
        copy.config.delayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)));
        copy.clock.update(fixture.clock.time());
        copy.start();
        return copy;
    }
}

package io.rocklet.broker;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageView;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Retry topics, the dead-letter topic and delayed delivery by level, with the injected clock.
 */
@Timeout(60)
class BrokerRetryTest
{
    private static final String RETRY = "%RETRY%group-a";
    private static final String DLQ = "%DLQ%group-a";

    @TempDir
    Path dir;
    BrokerFixture fixture;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir);
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldWalkTheDefaultBackOffLadderToTheDeadLetterTopicWhenEveryAttemptFails()
    {
        final Broker broker = fixture.start();
        heartbeat(broker);
        final Message original = Message.builder("orders").tag("TagA").keys("order-1").property("user", "u1")
            .body("payload").build();
        final SendResult sent = fixture.send(original, 0, 0);
        fixture.drain();
        MessageView delivered = fixture.pullNow("orders", 0, 0).messages().get(0);
        final String firstOffsetId = delivered.offsetMessageId();

        for (int attempt = 0; attempt < 16; attempt++)
        {
            await(broker.sendBack(new SendBackRequest("group-a", delivered.offsetMessageId(), "orders", 0, 16)));
            final Duration backOff = BrokerConfig.DEFAULT_DELAY_LEVELS.get(Math.min(3 + attempt, 18) - 1);
            fixture.advance(backOff.minusMillis(1));
            fixture.drain();
            assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow(RETRY, 0, attempt).status(),
                "attempt " + attempt + " not due before " + backOff);
            fixture.advance(Duration.ofMillis(1));
            fixture.drain();
            final PullResult retried = fixture.pullNow(RETRY, 0, attempt);
            assertEquals(PullStatus.FOUND, retried.status(), "attempt " + attempt + " due after " + backOff);
            delivered = retried.messages().get(0);
            assertEquals(attempt + 1, delivered.reconsumeTimes());
            assertSameMessage(original, sent, firstOffsetId, delivered);
        }
        assertEquals(Duration.ofHours(2), BrokerConfig.DEFAULT_DELAY_LEVELS.get(17), "the ladder ends at 2 h");

        await(broker.sendBack(new SendBackRequest("group-a", delivered.offsetMessageId(), "orders", 0, 16)));
        fixture.drain();

        final PullResult dead = fixture.pullNow(DLQ, 0, 0);
        assertEquals(PullStatus.FOUND, dead.status(), "the dead-letter topic is readable");
        assertEquals(17, dead.messages().get(0).reconsumeTimes());
        assertSameMessage(original, sent, firstOffsetId, dead.messages().get(0));
        assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow(RETRY, 0, 16).status(), "no 17th retry");
        assertTrue(await(broker.topics()).contains(TopicConfig.of(DLQ, 1)));
    }

    @Test
    void shouldUseRequestedLevelAndResendFromDeadLetterTopicWhenAsked()
    {
        fixture.config.delayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        final Broker broker = fixture.start();
        final SendResult sent = fixture.send(Message.builder("orders").tag("T").body("b").build(), 0, 0);
        fixture.drain();

        await(broker.sendBack(new SendBackRequest("group-a", sent.messageId(), "orders", 1, 2)));
        fixture.advance(Duration.ofSeconds(1));
        fixture.drain();
        final MessageView retried = fixture.pullNow(RETRY, 0, 0).messages().get(0);
        final RockletException beyond = failure(broker.sendBack(new SendBackRequest("group-a", retried.messageId(),
            "orders", 3, 16)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, beyond.errorCode());
        assertTrue(beyond.getMessage().contains("delayLevel=3, levels=2"), beyond.getMessage());
        await(broker.sendBack(new SendBackRequest("group-a", retried.messageId(), "orders", 2, 1)));
        fixture.drain();
        final MessageView dead = fixture.pullNow(DLQ, 0, 0).messages().get(0);

        final Message resend = Message.builder(dead.properties().get(SystemProperties.ORIGIN_TOPIC)).tag(dead.tag())
            .body(dead.bodyBytes()).build();
        fixture.send(resend, 0, 0);
        fixture.drain();
        assertEquals(2, fixture.pullNow("orders", 0, 0).messages().size(), "re-sent to the original topic");
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.sendBack(new SendBackRequest("group-a",
            "0000000000000000000FFFFF", "orders", 0, 16))).errorCode(), "no such message");
    }

    @Test
    void shouldDeliverDelayedMessageWhenItsLevelIsDue()
    {
        fixture.config.delayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)));
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 2)));

        final SendResult sent = fixture.send(Message.builder("orders").tag("T").keys("k").property("p", "v")
            .body("later").build(), 1, 2);
        fixture.send(Message.builder("orders").body("second").build(), 1, 2);
        final RockletException beyond = failure(broker.send(new SendRequest("p", "p-1",
            Message.builder("orders").body("beyond").build(), 1, 0, 3)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, beyond.errorCode());
        assertTrue(beyond.getMessage().contains("topic=orders, delayLevel=3, levels=2"), beyond.getMessage());
        fixture.advance(Duration.ofMillis(4_999));
        fixture.drain();
        assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow("orders", 1, 0).status());
        fixture.advance(Duration.ofMillis(1));
        fixture.drain();

        final PullResult result = fixture.pullNow("orders", 1, 0);
        assertEquals(1, sent.queueId());
        assertEquals(List.of("later", "second"), result.messages().stream().map(BrokerFixture::text).toList());
        final MessageView message = result.messages().get(0);
        assertEquals("T", message.tag());
        assertEquals(List.of("k"), message.keys());
        assertEquals(Map.of("p", "v", SystemProperties.UNIQUE_ID, sent.messageId()), message.properties(),
            "schedule properties removed, the unique id kept");
        assertEquals("producer-1", message.producerId());
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.send(new SendRequest("p", "p-1",
            Message.of("orders", new byte[1]), 0, 0, -1))).errorCode());
    }

    @Test
    void shouldDeliverDelayedMessageOnceWhenBrokerRestarts()
    {
        fixture.config.delayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(10)));
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        fixture.send(Message.builder("orders").body("first").build(), 0, 2);
        fixture.send(Message.builder("orders").body("second").build(), 0, 1);
        fixture.advance(Duration.ofSeconds(1));
        fixture.drain();
        assertEquals(List.of("second"), texts(fixture.pullNow("orders", 0, 0)));

        fixture.restart();
        fixture.advance(Duration.ofSeconds(9));
        fixture.drain();
        assertEquals(List.of("second", "first"), texts(fixture.pullNow("orders", 0, 0)), "due after the restart");

        fixture.restart();
        fixture.advance(Duration.ofSeconds(60));
        fixture.drain();
        assertEquals(List.of("second", "first"), texts(fixture.pullNow("orders", 0, 0)), "delivered once");
    }

    private static List<String> texts(final PullResult result)
    {
        return result.messages().stream().map(BrokerFixture::text).toList();
    }

    private static void assertSameMessage(final Message original, final SendResult sent, final String firstOffsetId,
        final MessageView copy)
    {
        assertEquals(sent.messageId(), copy.messageId(), "the unique id is kept");
        assertNotEquals(firstOffsetId, copy.offsetMessageId(), "every copy has its own offset id");
        assertEquals(new String(original.body(), StandardCharsets.UTF_8), text(copy));
        assertEquals(original.tag(), copy.tag());
        assertEquals(original.keys(), copy.keys());
        assertEquals("u1", copy.properties().get("user"));
        assertEquals("orders", copy.properties().get(SystemProperties.ORIGIN_TOPIC));
        assertEquals(firstOffsetId, copy.properties().get(SystemProperties.ORIGIN_MESSAGE_ID));
        assertNull(copy.properties().get(SystemProperties.REAL_TOPIC));
        assertNull(copy.properties().get(SystemProperties.DELAY_LEVEL));
        assertEquals("producer-1", copy.producerId());
    }

    private static void heartbeat(final Broker broker)
    {
        await(broker.heartbeat(new ClientHeartbeat("client-a", List.of(new ConsumerRegistration("group-a",
            MessageModel.CLUSTERING, ConsumeFrom.LAST, Map.of("orders", "*"))), List.of())));
    }
}

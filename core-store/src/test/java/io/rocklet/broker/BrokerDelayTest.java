package io.rocklet.broker;

import io.rocklet.api.Delay;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Delays a message carries ({@link Message#delay()}): by level through the schedule topic, per message in a batch,
 * and the maximum delay by time; with the injected clock.
 */
@Timeout(60)
class BrokerDelayTest
{
    @TempDir
    Path dir;
    BrokerFixture fixture;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir);
        fixture.config.delayLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)));
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldHoldMessageUntilItsLevelIsDueWhenTheMessageCarriesTheLevel()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        fixture.send(Message.builder("orders").delayLevel(2).body("a").build(), 0, 0);
        fixture.send(Message.builder("orders").delayLevel(2).body("b").build(), 0, 0);
        fixture.send(Message.builder("orders").delayLevel(2).body("c").build(), 0, 2);

        fixture.advance(Duration.ofMillis(4_999));
        fixture.drain();
        assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow("orders", 0, 0).status(), "not due yet");
        fixture.advance(Duration.ofMillis(1));
        fixture.drain();
        assertEquals(List.of("a", "b", "c"), texts(fixture.pullNow("orders", 0, 0)), "send order within a level");
    }

    @Test
    void shouldRefuseARequestLevelThatContradictsTheMessageDelay()
    {
        final Broker broker = fixture.start();
        final RockletException e = failure(broker.send(new SendRequest("p", "p-1",
            Message.builder("orders").delayLevel(1).body("x").build(), 0, 0, 2)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        assertTrue(e.getMessage().contains("topic=orders, delayLevel=2"), e.getMessage());
        final RockletException beyond = failure(broker.send(new SendRequest("p", "p-1",
            Message.builder("orders").delayLevel(3).body("x").build(), 0, 0, 0)));
        assertTrue(beyond.getMessage().contains("topic=orders, delayLevel=3, levels=2"), beyond.getMessage());
    }

    @Test
    void shouldDelayEachMessageOfABatchByItsOwnDelay()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        await(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders", 0, List.of(
            Message.builder("orders").delayLevel(2).body("late").build(),
            Message.builder("orders").body("now").build(),
            Message.builder("orders").delayLevel(1).body("soon").build()), fixture.clock.time())));
        fixture.drain();
        assertEquals(List.of("now"), texts(fixture.pullNow("orders", 0, 0)));
        fixture.advance(Duration.ofSeconds(1));
        fixture.drain();
        assertEquals(List.of("now", "soon"), texts(fixture.pullNow("orders", 0, 0)));
        fixture.advance(Duration.ofSeconds(4));
        fixture.drain();
        assertEquals(List.of("now", "soon", "late"), texts(fixture.pullNow("orders", 0, 0)));
    }

    @Test
    void shouldRefuseABatchWithoutStoringAnyWhenOneDelayIsIllegal()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        final RockletException e = failure(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders", 0, List.of(
            Message.builder("orders").body("now").build(),
            Message.builder("orders").delayLevel(7).body("bad").build()), fixture.clock.time())));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        fixture.drain();
        assertEquals(0, await(broker.queueOffsets("orders", 0)).maxOffset(), "nothing stored");
    }

    @Test
    void shouldRefuseADelayBeyondTheMaximumNamingTopicAndDelay()
    {
        fixture.config.maxDelay(Duration.ofHours(1));
        final Broker broker = fixture.start();
        final RockletException e = failure(broker.send(new SendRequest("p", "p-1",
            Message.builder("orders").deliverAfter(Duration.ofMinutes(61)).body("x").build(), 0, 0, 0)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        assertTrue(e.getMessage().contains("topic=orders, delayMs=3660000"), e.getMessage());
        assertTrue(e.getMessage().contains("maxDelayMs=3600000"), e.getMessage());
        final RockletException at = failure(broker.send(new SendRequest("p", "p-1", Message.builder("orders")
            .delay(Delay.at(fixture.clock.time() + 3_600_001)).body("x").build(), 0, 0, 0)));
        assertTrue(at.getMessage().contains("topic=orders, delayMs=3600001"), at.getMessage());
    }

    @Test
    void shouldDeliverAtOnceWhenTheDeliveryTimeHasPassed()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        fixture.send(Message.builder("orders").deliverAt(fixture.clock.time() - 1).body("past").build(), 0, 0);
        fixture.drain();
        assertEquals(List.of("past"), texts(fixture.pullNow("orders", 0, 0)));
    }

    static List<String> texts(final PullResult result)
    {
        return result.messages().stream().map(BrokerFixture::text).toList();
    }
}

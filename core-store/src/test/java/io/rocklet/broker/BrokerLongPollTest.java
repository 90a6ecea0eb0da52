package io.rocklet.broker;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.store.TestStores;
import io.rocklet.store.ThreadingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Long polling: a pull with nothing to read waits until a message arrives (answered by the store's dispatcher) or
 * its deadline passes; the number of waiting pulls is bounded.
 */
@Timeout(60)
class BrokerLongPollTest
{
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
    void shouldAnswerHeldPullWhenMessageArrives()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));

        final CompletableFuture<PullResult> held = fixture.pull("orders", 0, 0, 30_000);
        fixture.drain();
        assertFalse(held.isDone(), "nothing to read yet: the pull waits");

        fixture.send("orders", 0, "m0");
        fixture.drain();

        final PullResult result = await(held);
        assertEquals(PullStatus.FOUND, result.status());
        assertEquals("m0", text(result.messages().get(0)));
        assertEquals(1, result.nextOffset());
    }

    @Test
    void shouldWakeHeldPullOnDispatcherThreadWithoutBrokerWorkWhenMessageIsAppended()
    {
        fixture.config.storeConfig(TestStores.small(dir.resolve("store")).threadingMode(ThreadingMode.DEDICATED)
            .build());
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        final CompletableFuture<PullResult> held = fixture.pull("orders", 0, 0, 30_000);
        assertFalse(held.isDone());

        fixture.send("orders", 0, "m0");

        // the broker agent never runs (INVOKER, no doWork) and the clocks stand still: only the store's dispatcher
        // thread, reporting the arrival, can have answered the pull
        assertEquals("m0", text(await(held).messages().get(0)));
    }

    @Test
    void shouldAnswerNoNewMessagesWhenLongPollTimesOut()
    {
        fixture.start();
        fixture.send("orders", 0, "m0");
        fixture.drain();

        final CompletableFuture<PullResult> held = fixture.pull("orders", 0, 1, 30_000);
        fixture.advance(Duration.ofMillis(29_999));
        fixture.drain();
        assertFalse(held.isDone(), "before the deadline");
        fixture.advance(Duration.ofMillis(1));
        fixture.drain();

        final PullResult result = await(held);
        assertEquals(PullStatus.NO_NEW_MESSAGES, result.status());
        assertEquals(1, result.nextOffset());
        assertEquals(1, result.maxOffset());
        assertEquals(List.of(), result.messages());
    }

    @Test
    void shouldFailWithBusyWhenTooManyPullsAreHeld()
    {
        fixture.config.longPollMaxHeld(2);
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 2)));
        final CompletableFuture<PullResult> first = fixture.pull("orders", 0, 0, 30_000);
        final CompletableFuture<PullResult> second = fixture.pull("orders", 1, 0, 30_000);

        final RockletException busy = failure(fixture.pull("orders", 0, 0, 30_000));

        assertEquals(ErrorCode.BUSY, busy.errorCode());
        assertTrue(busy.retriable());
        assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow("orders", 0, 0).status(), "pulls that do not wait");
        fixture.send("orders", 0, "m0");
        fixture.drain();
        assertEquals(PullStatus.FOUND, await(first).status());
        final CompletableFuture<PullResult> third = fixture.pull("orders", 0, 1, 30_000);
        assertFalse(third.isDone(), "a slot was freed");
        assertFalse(second.isDone());
    }

    @Test
    void shouldAnswerAtOnceWithNoMatchedMessageWhenArrivalsDoNotMatchTheFilter()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        final CompletableFuture<PullResult> held =
            broker.pull(new PullRequest("g", "orders", 0, 0, 32, "A", 30_000));

        fixture.send(Message.builder("orders").tag("B").body("b").build(), 0, 0);
        fixture.drain();

        final PullResult skipped = await(held);
        assertEquals(PullStatus.NO_MATCHED_MESSAGE, skipped.status(), "answered on arrival, not at the deadline");
        assertEquals(1, skipped.nextOffset(), "past the message filtered out");
        final CompletableFuture<PullResult> next =
            broker.pull(new PullRequest("g", "orders", 0, skipped.nextOffset(), 32, "A", 30_000));
        assertFalse(next.isDone(), "nothing after the skipped message: the next pull waits");
        fixture.send(Message.builder("orders").tag("A").body("a").build(), 0, 0);
        fixture.drain();
        final PullResult result = await(next);
        assertEquals(List.of("a"), result.messages().stream().map(BrokerFixture::text).toList());
        assertEquals(2, result.nextOffset());
    }

    @Test
    void shouldNotHoldAPullThatSkippedOnlyFilteredOutMessages()
    {
        final Broker broker = fixture.start();
        fixture.send(Message.builder("orders").tag("B").body("b1").build(), 0, 0);
        fixture.send(Message.builder("orders").tag("B").body("b2").build(), 0, 0);
        fixture.drain();

        final CompletableFuture<PullResult> pulled =
            broker.pull(new PullRequest("g", "orders", 0, 0, 32, "A", 30_000));

        assertTrue(pulled.isDone(), "answered at once (RocketMQ's NO_MATCHED_MSG), not held for the long poll");
        assertEquals(PullStatus.NO_MATCHED_MESSAGE, await(pulled).status());
        assertEquals(2, await(pulled).nextOffset());
    }

    @Test
    void shouldAnswerHeldPullsWhenBrokerCloses()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        final CompletableFuture<PullResult> held = fixture.pull("orders", 0, 0, 30_000);

        broker.close();

        assertEquals(PullStatus.NO_NEW_MESSAGES, await(held).status());
    }
}

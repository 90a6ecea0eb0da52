package io.rocklet.broker;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.MessageView;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.broker.internal.SendService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code sendBatch} through the store's batch append: each message answered as it is then read, a delayed message of a
 * batch parked like a single one, a refused batch storing nothing and naming the message refused.
 */
@Timeout(60)
class BrokerSendBatchTest
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
    void shouldAnswerEachMessageAsItIsReadWhenBatchSent()
    {
        final Broker broker = fixture.start();
        fixture.send("orders", 1, "single");
        final List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            messages.add(Message.builder("orders").body("m" + i).keys("k" + i).tag("t" + i % 3)
                .property("n", Integer.toString(i)).build());
        }

        final List<SendResult> results = await(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders", 1,
            messages, fixture.clock.time())));
        final long batchEnd = SendService.storedEnd();
        fixture.drain();

        assertEquals(40, results.size());
        final List<MessageView> read = await(broker.pull(new io.rocklet.api.spi.BrokerService.PullRequest("group-a",
            "orders", 1, 1, 64, "*", 0))).messages();
        assertEquals(40, read.size());
        for (int i = 0; i < 40; i++)
        {
            final SendResult result = results.get(i);
            final MessageView message = read.get(i);
            assertEquals(1 + i, result.queueOffset(), "dense queue offsets after the single send: index=" + i);
            assertEquals(result.queueOffset(), message.queueOffset());
            assertEquals(result.messageId(), message.messageId(), "the unique id answered is the one stored");
            assertEquals(result.storeTimestampMs(), message.storeTimestampMs());
            assertEquals(BrokerFixture.BROKER_NAME, result.brokerName());
            assertEquals("m" + i, text(message));
            assertEquals(Integer.toString(i), message.properties().get("n"));
        }
        assertEquals(40, results.stream().map(SendResult::messageId).distinct().count(), "unique ids");
        assertEquals(broker.replicationStatus().logEndOffset(), batchEnd,
            "a SYNC send of the batch waits for the batch's last record end");
    }

    @Test
    void shouldParkADelayedMessageOfABatchLikeASingleSendWhenBatchSent()
    {
        final Broker broker = fixture.start();
        final List<SendResult> results = await(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders", 0,
            List.of(Message.of("orders", "now".getBytes()), Message.builder("orders").body("later").delayLevel(1)
                .build(), Message.of("orders", "also-now".getBytes())), fixture.clock.time())));
        fixture.drain();

        assertEquals(List.of(0L, 1L), List.of(results.get(0).queueOffset(), results.get(2).queueOffset()));
        assertEquals(List.of("now", "also-now"), fixture.pullNow("orders", 0, 0).messages().stream()
            .map(BrokerFixture::text).toList(), "the delayed message waits in the schedule topic");
    }

    @Test
    void shouldStoreNothingAndNameTheMessageWhenAMessageOfABatchIsRefused()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 2)));
        fixture.send("orders", 0, "kept");
        final List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            messages.add(Message.of("orders", ("m" + i).getBytes()));
        }
        messages.set(3, Message.builder("orders").body("bad").delayLevel(99).build());

        final RockletException refused = failure(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders", 0,
            messages, fixture.clock.time())));
        messages.set(3, Message.builder("orders").body("big").property("p", "x".repeat(40_000)).build());
        final RockletException tooLarge = failure(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders", 0,
            messages, fixture.clock.time())));
        fixture.drain();

        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.errorCode());
        assertTrue(refused.getMessage().contains("index=3") && refused.getMessage().contains("delay level"),
            refused.getMessage());
        assertEquals(ErrorCode.PROPERTIES_TOO_LARGE, tooLarge.errorCode(), tooLarge.getMessage());
        assertTrue(tooLarge.getMessage().contains("index=3"), tooLarge.getMessage());
        assertEquals(List.of("kept"), fixture.pullNow("orders", 0, 0).messages().stream().map(BrokerFixture::text)
            .toList(), "a refused batch stores nothing");
        assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow("orders", 0, 1).status());
    }
}

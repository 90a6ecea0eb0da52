package io.rocklet.broker;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.MessageView;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Sending and pulling without waiting: the round trip, topic creation and the checks on what is sent and pulled.
 */
@Timeout(60)
class BrokerSendPullTest
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
    void shouldReturnMessagesWhenPulledAfterSend()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 2)));
        final Message message = Message.builder("orders").tag("TagA").keys("k1", "k2").property("p", "v")
            .body("hello").build();

        final SendResult sent = fixture.send(message, 1, 0);
        fixture.send("orders", 1, "world");
        fixture.drain();
        final PullResult pulled = fixture.pullNow("orders", 1, 0);

        assertEquals(BROKER_NAME, sent.brokerName());
        assertEquals(1, sent.queueId());
        assertEquals(0, sent.queueOffset());
        assertEquals(PullStatus.FOUND, pulled.status());
        assertEquals(2, pulled.nextOffset());
        assertEquals(0, pulled.minOffset());
        assertEquals(2, pulled.maxOffset());
        final MessageView first = pulled.messages().get(0);
        assertEquals(sent.messageId(), first.messageId());
        assertEquals("hello", text(first));
        assertEquals("TagA", first.tag());
        assertEquals(List.of("k1", "k2"), first.keys());
        assertEquals("v", first.properties().get("p"));
        assertEquals("producer-1", first.producerId());
        assertEquals(fixture.clock.time(), first.bornTimestampMs());
        assertEquals("world", text(pulled.messages().get(1)));
        assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow("orders", 1, 2).status());
        assertEquals(PullStatus.OFFSET_OVERFLOW, fixture.pullNow("orders", 1, 5).status());
    }

    @Test
    void shouldFilterByTagWhenPulled()
    {
        final Broker broker = fixture.start();
        fixture.send(Message.builder("orders").tag("A").body("a").build(), 0, 0);
        fixture.send(Message.builder("orders").tag("B").body("b").build(), 0, 0);
        fixture.drain();

        final PullResult pulled = await(broker.pull(new PullRequest("g", "orders", 0, 0, 32, "B || C", 0)));

        assertEquals(PullStatus.FOUND, pulled.status());
        assertEquals(List.of("b"), pulled.messages().stream().map(BrokerFixture::text).toList());
        assertEquals(2, pulled.nextOffset());
    }

    @Test
    void shouldCreateTopicWithDefaultQueuesWhenFirstSentToAndAutoCreateEnabled()
    {
        final Broker broker = fixture.start();

        fixture.send("fresh", 3, "m");

        assertEquals(List.of(TopicConfig.of("fresh", TopicConfig.DEFAULT_QUEUES)), await(broker.topics()));
    }

    @Test
    void shouldFailWithTopicNotFoundWhenAutoCreateDisabled()
    {
        fixture.config.autoCreateTopicEnable(false);
        final Broker broker = fixture.start();

        assertEquals(ErrorCode.TOPIC_NOT_FOUND, failure(broker.send(request("missing", 0, "m"))).errorCode());
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, failure(fixture.pull("missing", 0, 0, 0)).errorCode());
        assertEquals(List.of(), await(broker.topics()));
    }

    @Test
    void shouldRefuseSendWhenTopicIsSystemTopic()
    {
        final Broker broker = fixture.start();

        for (final String topic : List.of("%RETRY%group-a", "%DLQ%group-a", "%SCHEDULE%"))
        {
            assertEquals(ErrorCode.ILLEGAL_TOPIC, failure(broker.send(request(topic, 0, "m"))).errorCode(), topic);
        }
        assertEquals(ErrorCode.ILLEGAL_TOPIC,
            failure(broker.createOrUpdateTopic(TopicConfig.of("%RETRY%x", 1))).errorCode());
    }

    @Test
    void shouldFailWithMessageTooLargeWhenBodyExceedsMaximum()
    {
        fixture.config.maxBodyBytes(1024);
        final Broker broker = fixture.start();

        final var failed = failure(broker.send(new SendRequest("p", "p-1",
            Message.of("orders", new byte[1025]), 0, 0, 0)));

        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, failed.errorCode());
        assertTrue(failed.getMessage().contains("maxBodyBytes=1024"), failed.getMessage());
        assertEquals(List.of(), await(broker.topics()), "a refused send creates no topic");
        fixture.send(Message.of("orders", new byte[1024]), 0, 0);
    }

    @Test
    void shouldRefuseEmptyBodyWhenSentRaw()
    {
        final Broker broker = fixture.start();

        final var single = failure(broker.send(new SendRequest("p", "p-1", Message.of("orders", new byte[0]), 0, 0, 0)));
        final var batch = failure(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders", 0,
            List.of(Message.of("orders", new byte[1]), Message.of("orders", new byte[0])), 1L)));

        for (final var refused : List.of(single, batch))
        {
            assertEquals(ErrorCode.INVALID_ARGUMENT, refused.errorCode());
            assertTrue(refused.getMessage().contains("body is empty: topic=orders"), refused.getMessage());
        }
        assertEquals(List.of(), await(broker.topics()), "a refused send creates no topic");
    }

    @Test
    void shouldDenyWhenTopicLacksPermission()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(new TopicConfig("read-only", 2, 2, TopicConfig.PERM_READ, false)));
        await(broker.createOrUpdateTopic(new TopicConfig("write-only", 2, 2, TopicConfig.PERM_WRITE, false)));

        assertEquals(ErrorCode.PERMISSION_DENIED, failure(broker.send(request("read-only", 0, "m"))).errorCode());
        assertEquals(ErrorCode.PERMISSION_DENIED, failure(fixture.pull("write-only", 0, 0, 0)).errorCode());
        fixture.send("write-only", 0, "m");
        assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow("read-only", 0, 0).status());
    }

    @Test
    void shouldRejectQueueIdOutsideTheTopicsQueues()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(new TopicConfig("orders", 2, 3, TopicConfig.PERM_READ_WRITE, false)));

        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.send(request("orders", 3, "m"))).errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.send(request("orders", -1, "m"))).errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(fixture.pull("orders", 2, 0, 0)).errorCode());
        fixture.send("orders", 2, "m");
    }

    @Test
    void shouldStoreBatchInOrderWhenAllMessagesAreOfTheTopic()
    {
        final Broker broker = fixture.start();

        final List<SendResult> results = await(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders", 2,
            List.of(Message.of("orders", "a".getBytes()), Message.of("orders", "b".getBytes())), 1L)));
        fixture.drain();

        assertEquals(List.of(0L, 1L), results.stream().map(SendResult::queueOffset).toList());
        assertEquals(List.of("a", "b"), fixture.pullNow("orders", 2, 0).messages().stream()
            .map(BrokerFixture::text).toList());
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.sendBatch(new SendBatchRequest("p", "p-1", "orders",
            0, List.of(Message.of("orders", new byte[1]), Message.of("other", new byte[1])), 1L))).errorCode());
    }

    @Test
    void shouldUpdateAndDeleteTopicsWhenAdministered()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 2)));
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 8)));
        await(broker.createOrUpdateTopic(TopicConfig.of("audit", 1)));

        assertEquals(List.of(TopicConfig.of("audit", 1), TopicConfig.of("orders", 8)), await(broker.topics()));

        await(broker.deleteTopic("orders"));
        assertEquals(ErrorCode.TOPIC_NOT_FOUND, failure(broker.deleteTopic("orders")).errorCode());
        assertEquals(ErrorCode.ILLEGAL_TOPIC, failure(broker.deleteTopic("bad topic")).errorCode());
        fixture.restart();
        assertEquals(List.of(TopicConfig.of("audit", 1)), await(fixture.broker.topics()), "the table is persisted");
    }

    @Test
    void shouldFailWithClosedWhenCalledAfterClose()
    {
        final Broker broker = fixture.start();
        broker.close();
        broker.close();

        assertEquals(ErrorCode.CLOSED, failure(broker.send(request("orders", 0, "m"))).errorCode());
        assertEquals(ErrorCode.CLOSED, failure(fixture.pull("orders", 0, 0, 0)).errorCode());
        assertEquals(List.of(), fixture.transport.servedBrokers(), "no longer served");
    }

    private SendRequest request(final String topic, final int queueId, final String body)
    {
        return new SendRequest("p", "p-1", Message.builder(topic).body(body).build(), queueId, 0, 0);
    }
}

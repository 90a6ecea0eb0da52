package io.rocklet.testkit;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MockProducerTest
{
    @Test
    void shouldRecordMessagesInOrderWhenSent()
    {
        final MockProducer producer = new MockProducer();
        final Message first = Message.builder("orders").tag("paid").key("order-1").body("1").build();
        final Message second = Message.builder("invoices").body("2").build();
        final Message third = Message.builder("orders").body("3").build();

        final SendReceipt receipt = producer.send(first);
        producer.sendAsync(second).join();
        producer.sendOneway(third);

        assertEquals(List.of(first, second, third), producer.history());
        assertEquals(List.of(first, third), producer.history("orders"));
        assertEquals(List.of(), producer.history("unknown"));
        assertEquals(receipt, producer.sent().get(0).receipt());
        assertNull(producer.sent().get(0).shardingKey());
        assertEquals("mock-producer", producer.group());
    }

    @Test
    void shouldSpreadMessagesRoundRobinWithDenseOffsetsWhenSentWithoutKey()
    {
        final MockProducer producer = new MockProducer();
        final List<SendReceipt> receipts = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            receipts.add(producer.send(Message.of("orders", new byte[] {(byte)i})));
        }

        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < 8; i++)
        {
            final SendReceipt receipt = receipts.get(i);
            assertEquals(new MessageQueue("orders", MockProducer.BROKER_NAME, i % 4), receipt.queue());
            assertEquals(i / 4, receipt.queueOffset());
            assertTrue(receipt.messageId().matches("[0-9A-F]{24}"), receipt.messageId());
            ids.add(receipt.messageId());
        }
        assertEquals(8, ids.size(), "unique ids");
        assertEquals(0, producer.send(Message.of("invoices", new byte[1])).queueOffset(), "offsets per topic");
    }

    @Test
    void shouldKeepOneQueueWhenSentWithOneShardingKey()
    {
        final MockProducer producer = new MockProducer(ProducerConfig.builder("shop").build(), 8);
        final MessageQueue queue = producer.send(Message.of("orders", new byte[1]), "customer-7").queue();

        for (int i = 1; i < 5; i++)
        {
            final SendReceipt receipt = producer.sendAsync(Message.of("orders", new byte[1]), "customer-7").join();
            assertEquals(queue, receipt.queue());
            assertEquals(i, receipt.queueOffset());
        }
        assertEquals("customer-7", producer.sent().get(4).shardingKey());
        assertEquals("shop", producer.group());
    }

    @Test
    void shouldSendABatchToOneQueueWhenBatched()
    {
        final MockProducer producer = new MockProducer();
        final List<Message> batch = List.of(Message.of("orders", new byte[1]), Message.of("orders", new byte[2]));

        final List<SendReceipt> receipts = producer.send(batch);

        assertEquals(receipts.get(0).queue(), receipts.get(1).queue());
        assertEquals(List.of(0L, 1L), receipts.stream().map(SendReceipt::queueOffset).toList());
        assertEquals(batch, producer.history());
    }

    @Test
    void shouldFailEverySendWithTheGivenErrorWhenFailingUntilSucceed()
    {
        final MockProducer producer = new MockProducer();
        final RockletException busy = new RockletException(ErrorCode.BUSY, "broker busy");
        final Message message = Message.of("orders", new byte[1]);
        producer.failWith(busy);

        assertSame(busy, assertThrows(RockletException.class, () -> producer.send(message)));
        assertSame(busy, assertThrows(RockletException.class, () -> producer.send(message, "key")));
        assertSame(busy, assertThrows(RockletException.class, () -> producer.send(List.of(message))));
        final CompletableFuture<SendReceipt> async = producer.sendAsync(message);
        assertSame(busy, assertThrows(CompletionException.class, async::join).getCause());
        producer.sendOneway(message); // reports nothing
        assertEquals(List.of(), producer.history(), "failed sends are not recorded");

        producer.succeed();
        producer.send(message);
        assertEquals(List.of(message), producer.history());
    }

    @Test
    void shouldFailOnlyTheNextSendWhenFailNext()
    {
        final MockProducer producer = new MockProducer();
        final Message message = Message.of("orders", new byte[1]);
        producer.failNext(new RockletException(ErrorCode.TIMEOUT, "timed out"));

        assertEquals(ErrorCode.TIMEOUT, assertThrows(RockletException.class, () -> producer.send(message))
            .errorCode());
        assertEquals(0, producer.send(message).queueOffset());
        assertEquals(1, producer.history().size());
    }

    @Test
    void shouldRefuseEverySendWhenClosed()
    {
        final MockProducer producer = new MockProducer();
        final Message message = Message.of("orders", new byte[1]);
        assertFalse(producer.closed());

        producer.close();
        producer.close();

        assertTrue(producer.closed());
        assertThrows(ClosedException.class, () -> producer.send(message));
        assertThrows(ClosedException.class, () -> producer.send(message, "key"));
        assertThrows(ClosedException.class, () -> producer.sendOneway(message));
        assertThrows(ClosedException.class, () -> producer.send(List.of(message)));
        assertTrue(producer.sendAsync(message).isCompletedExceptionally());
        assertEquals("producer closed: group=mock-producer",
            assertThrows(CompletionException.class, () -> producer.sendAsync(message).join()).getCause().getMessage());
    }

    @Test
    void shouldCheckMessagesAsTheRealProducerDoesWhenTheyAreIllegal()
    {
        final MockProducer producer = new MockProducer(ProducerConfig.builder("shop").maxBodyBytes(4).build(), 4);

        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, assertThrows(InvalidArgumentException.class,
            () -> producer.send(Message.of("orders", new byte[5]))).errorCode());
        assertEquals(ErrorCode.ILLEGAL_TOPIC, assertThrows(InvalidArgumentException.class,
            () -> producer.send(Message.of("%RETRY%billing", new byte[1]))).errorCode());
        assertEquals("cannot send: group=shop, message=null",
            assertThrows(InvalidArgumentException.class, () -> producer.send((Message)null)).getMessage());
        assertEquals("cannot send: shardingKey=null",
            assertThrows(InvalidArgumentException.class, () -> producer.send(Message.of("orders", new byte[1]), null))
                .getMessage());
        assertThrows(InvalidArgumentException.class, () -> producer.send(List.of()));
        assertThrows(InvalidArgumentException.class, () -> producer.send(List.of(Message.of("orders", new byte[1]),
            Message.of("invoices", new byte[1]))));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, assertThrows(InvalidArgumentException.class,
            () -> producer.send(List.of(Message.of("orders", new byte[3]), Message.of("orders", new byte[3]))))
            .errorCode());
        assertEquals(List.of(), producer.history());
    }

    @Test
    void shouldRecallOnlyADelayedMessageItSentAndOnlyOnce()
    {
        final MockProducer producer = new MockProducer();
        final SendReceipt delayed = producer.send(Message.builder("orders").deliverAfter(java.time.Duration
            .ofMinutes(5)).body("later").build());
        final SendReceipt now = producer.send(Message.builder("orders").body("now").build());

        assertTrue(producer.recall("orders", delayed.messageId()).join());
        assertFalse(producer.recall("orders", delayed.messageId()).join(), "recalled before");
        assertFalse(producer.recall("orders", now.messageId()).join(), "not delayed");
        assertFalse(producer.recall("payments", delayed.messageId()).join(), "another topic");
        assertEquals(List.of(delayed.messageId()), producer.recalled());
    }

    @Test
    void shouldGoOnWithOffsetsWhenHistoryIsCleared()
    {
        final MockProducer producer = new MockProducer(ProducerConfig.builder("shop").build(), 1);
        producer.send(Message.of("orders", new byte[1]));

        producer.clear();
        final SendReceipt next = producer.send(Message.of("orders", new byte[1]));

        assertEquals(1, next.queueOffset());
        assertEquals(1, producer.history().size());
    }

    @Test
    void shouldNameTheArgumentWhenItIsIllegal()
    {
        final MockProducer producer = new MockProducer();

        assertEquals("illegal history argument: topic=null",
            assertThrows(InvalidArgumentException.class, () -> producer.history(null)).getMessage());
        assertEquals("illegal failWith argument: error=null",
            assertThrows(InvalidArgumentException.class, () -> producer.failWith(null)).getMessage());
        assertEquals("illegal MockProducer argument: queuesPerTopic=0, allowed: 1..1024",
            assertThrows(InvalidArgumentException.class,
                () -> new MockProducer(ProducerConfig.builder("shop").build(), 0)).getMessage());
        assertEquals("illegal MockProducer argument: config=null",
            assertThrows(InvalidArgumentException.class, () -> new MockProducer(null, 4)).getMessage());
    }
}

package io.rocklet.store;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.TagFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.rocklet.store.TestStores.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input gets a clear error naming what was wrong, and leaves the store usable with nothing
 * partial visible.
 */
@Timeout(60)
class MessageStoreBadInputTest
{
    private static final int MAX_BODY = 1024;
    private static final int MAX_PROPERTIES = 200;

    @TempDir
    Path dir;

    private MessageStore store;

    @BeforeEach
    void open()
    {
        store = MessageStores.open(small(dir).maxBodyBytes(MAX_BODY).maxPropertiesBytes(MAX_PROPERTIES).build());
        append(store, "orders", 0, "m0");
        drain(store);
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void shouldRejectBodyNamingTopicAndSizeWhenOverMaxBodyBytes()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> store.append(AppendRequest.of(Message.of("orders", new byte[MAX_BODY + 1]), 0)));

        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.errorCode());
        assertFalse(e.retriable(), "an oversize body stays oversize");
        assertTrue(e.getMessage().contains("topic=orders"), e.getMessage());
        assertTrue(e.getMessage().contains("bodyBytes=" + (MAX_BODY + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("maxBodyBytes=" + MAX_BODY), e.getMessage());
        assertStoreUnchangedAndUsable();
    }

    @Test
    void shouldAcceptBodyWhenExactlyMaxBodyBytes()
    {
        append(store, Message.of("orders", new byte[MAX_BODY]), 0);
        drain(store);

        assertEquals(2, store.maxOffset("orders", 0));
    }

    @Test
    void shouldRejectPropertiesNamingTopicWhenTooLarge()
    {
        final Message message = Message.builder("orders").property("p", "v".repeat(MAX_PROPERTIES)).body("x").build();

        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> store.append(AppendRequest.of(message, 0)));

        assertEquals(ErrorCode.PROPERTIES_TOO_LARGE, e.errorCode());
        assertTrue(e.getMessage().contains("topic=orders") && e.getMessage().contains("max=" + MAX_PROPERTIES),
            e.getMessage());
        assertStoreUnchangedAndUsable();
    }

    @Test
    void shouldCountKeysTagAndProducerIdAsPropertiesWhenCheckingTheLimit()
    {
        final Message message = Message.builder("orders").tag("t".repeat(100)).keys("k".repeat(100)).body("x")
            .build();

        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> store.append(AppendRequest.of(message, 0)));

        assertEquals(ErrorCode.PROPERTIES_TOO_LARGE, e.errorCode());
        assertStoreUnchangedAndUsable();
    }

    @Test
    void shouldRejectIllegalTopicNamesBeforeTheyReachTheStore()
    {
        for (final String topic : new String[] {"", "a b", "a/b", "..", "t".repeat(128)})
        {
            final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> store.append(AppendRequest.of(Message.of(topic, new byte[1]), 0)), "topic=" + topic);

            assertEquals(ErrorCode.ILLEGAL_TOPIC, e.errorCode(), e.getMessage());
        }
        assertStoreUnchangedAndUsable();
    }

    @Test
    void shouldRejectRequestNamingTheFieldWhenQueueIdOrMetadataIsIllegal()
    {
        final Message message = Message.of("orders", new byte[1]);

        final InvalidArgumentException queue = assertThrows(InvalidArgumentException.class,
            () -> AppendRequest.of(message, AppendRequest.MAX_QUEUE_ID + 1));
        final InvalidArgumentException negative = assertThrows(InvalidArgumentException.class,
            () -> AppendRequest.of(message, -1));
        final InvalidArgumentException reconsume = assertThrows(InvalidArgumentException.class,
            () -> new AppendRequest(message, 0, 0, "", -1, 0, 0));
        final InvalidArgumentException producer = assertThrows(InvalidArgumentException.class,
            () -> store.append(new AppendRequest(message, 0, 0, "p".repeat(256), 0, 0, 0)));

        assertTrue(queue.getMessage().contains("queueId=65536"), queue.getMessage());
        assertTrue(negative.getMessage().contains("queueId=-1"), negative.getMessage());
        assertTrue(reconsume.getMessage().contains("reconsumeTimes=-1"), reconsume.getMessage());
        assertTrue(producer.getMessage().contains("producerIdBytes=256"), producer.getMessage());
        assertThrows(InvalidArgumentException.class, () -> AppendRequest.of(null, 0));
        assertStoreUnchangedAndUsable();
    }

    @Test
    void shouldNotListTopicWhenItsOnlyMessageWasRejected()
    {
        assertThrows(InvalidArgumentException.class,
            () -> store.append(AppendRequest.of(Message.of("fresh", new byte[MAX_BODY + 1]), 0)));

        assertEquals(List.of("orders"), store.topics(), "a rejected message leaves no topic behind");
        assertEquals(1, store.stats().topicCount());
        assertEquals(List.of(), store.queueIds("fresh"));
        assertEquals(ReadStatus.NO_SUCH_QUEUE, store.read("fresh", 0, 0, 1, 1024, TagFilter.ALL).status());
    }

    @Test
    void shouldRejectReadNamingTheArgumentsWhenTheyAreIllegal()
    {
        assertIllegal(() -> store.read("orders", 0, -1, 1, 1024, TagFilter.ALL), "offset=-1");
        assertIllegal(() -> store.read("orders", 0, 0, 0, 1024, TagFilter.ALL), "maxCount=0");
        assertIllegal(() -> store.read("orders", 0, 0, 1, 0, TagFilter.ALL), "maxBytes=0");
        assertIllegal(() -> store.read("orders", 0, 0, 1, 1024, null), "filter=null");
        assertIllegal(() -> store.read(null, 0, 0, 1, 1024, TagFilter.ALL), "topic=null");
        assertStoreUnchangedAndUsable();
    }

    @Test
    void shouldRejectOffsetQueriesWhenTopicIsNull()
    {
        assertIllegal(() -> store.minOffset(null, 0), "topic=null");
        assertIllegal(() -> store.maxOffset(null, 0), "topic=null");
        assertIllegal(() -> store.offsetForTimestamp(null, 0, 0), "topic=null");
    }

    @Test
    void shouldThrowClosedExceptionWhenUsedAfterClose()
    {
        store.close();

        final ClosedException append = assertThrows(ClosedException.class, () -> append(store, "orders", 0, "late"));
        assertEquals(ErrorCode.CLOSED, append.errorCode());
        assertFalse(append.retriable(), "closed is final");
        assertTrue(append.getMessage().contains(dir.toString()), append.getMessage());
        assertThrows(ClosedException.class, () -> store.read("orders", 0, 0, 1, 1024, TagFilter.ALL));
        assertThrows(ClosedException.class, () -> store.maxOffset("orders", 0));
        assertThrows(ClosedException.class, () -> store.minOffset("orders", 0));
        assertThrows(ClosedException.class, () -> store.offsetForTimestamp("orders", 0, 0));
        assertThrows(ClosedException.class, () -> store.messagesByKey("orders", "k", 0, 1, 1));
        assertThrows(ClosedException.class, () -> store.messageById("0".repeat(MessageIds.LENGTH)));
        assertThrows(ClosedException.class, store::doWork);
    }

    @Test
    void shouldRefuseDoWorkWhenStoreRunsItsOwnThreads()
    {
        store.close();
        try (MessageStore threaded = MessageStores.open(small(dir).threadingMode(ThreadingMode.SHARED).build()))
        {
            final IllegalStateException e = assertThrows(IllegalStateException.class, threaded::doWork);

            assertTrue(e.getMessage().contains("INVOKER"), e.getMessage());
        }
    }

    private static void assertIllegal(final Executable call, final String expectedInMessage)
    {
        final RockletException e = assertThrows(InvalidArgumentException.class, call, expectedInMessage);

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    private void assertStoreUnchangedAndUsable()
    {
        drain(store);
        assertEquals(1, store.maxOffset("orders", 0), "nothing partial became visible");
        assertEquals(0, store.dispatchLagBytes(), "nothing half-appended");
        assertEquals(List.of("orders"), store.topics());

        final AppendResult next = append(store, "orders", 0, "m1");
        drain(store);

        assertEquals(1, next.queueOffset(), "the next append takes the next offset");
        assertEquals(List.of("m0", "m1"), MessageStoreReadTest.bodies(readAll(store, "orders", 0, 0)));
    }
}

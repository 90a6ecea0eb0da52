package io.rocklet.client.consumer;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PullConsumerImplTest
{
    private static final String GROUP = "pg";
    private static final MessageQueue Q0 = new MessageQueue("T", "b1", 0);
    private static final MessageQueue Q1 = new MessageQueue("T", "b1", 1);

    private final FakeBroker broker = new FakeBroker("b1");
    private final FakeClientContext context = new FakeClientContext("client-A", broker);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @TempDir
    Path directory;

    PullConsumerImplTest()
    {
        broker.createTopic("T", 2);
        closeables.add(context);
    }

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
    }

    private static PullConsumerConfig.Builder config()
    {
        return PullConsumerConfig.builder(GROUP).consumeFrom(ConsumeFrom.FIRST).autoCommit(false);
    }

    private PullConsumerImpl open(final FakeClientContext ctx, final PullConsumerConfig config)
    {
        final PullConsumerImpl consumer = new PullConsumerImpl(ctx, config);
        closeables.add(consumer);
        return consumer;
    }

    private static List<String> bodies(final List<ReceivedMessage> messages)
    {
        return messages.stream().map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList();
    }

    private static List<ReceivedMessage> pollUntil(final PullConsumerImpl consumer, final int count)
    {
        final List<ReceivedMessage> all = new ArrayList<>();
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (all.size() < count && System.nanoTime() < deadline)
        {
            all.addAll(consumer.poll(Duration.ofMillis(200)));
        }
        assertEquals(count, all.size(), "polled=" + bodies(all));
        return all;
    }

    private void fill(final int perQueue)
    {
        for (int i = 0; i < perQueue; i++)
        {
            broker.append("T", 0, "", "a" + i, 1000 + i, Map.of(), 0);
            broker.append("T", 1, "", "b" + i, 1000 + i, Map.of(), 0);
        }
    }

    @Test
    void shouldPollTheAssignedQueuesInQueueOrderWhenAssigned()
    {
        fill(5);
        final PullConsumerImpl consumer = open(context, config().build());

        consumer.assign(List.of(Q0, Q1));
        final List<ReceivedMessage> polled = pollUntil(consumer, 10);

        assertEquals(Set.of(Q0, Q1), consumer.assignment());
        assertEquals(List.of("a0", "a1", "a2", "a3", "a4"),
            bodies(polled.stream().filter(m -> m.queue().equals(Q0)).toList()));
        assertEquals(List.of(), consumer.poll(Duration.ZERO));
        assertTrue(broker.unregistered.isEmpty() && context.registration(GROUP) == null,
            "assign joins no group");
    }

    @Test
    void shouldFetchAgainWhenAFetchAnswerNeverComes()
    {
        final FakeClientContext impatient = new FakeClientContext("client-C", Duration.ofMillis(100), broker);
        closeables.add(impatient);
        broker.swallowPulls = true;
        final PullConsumerImpl consumer = open(impatient, config().longPollTimeout(Duration.ofMillis(200)).build());
        consumer.assign(List.of(Q0));
        Await.until(() -> broker.pullCount("T", 0) > 0, () -> "no fetch yet");
        broker.swallowPulls = false;
        broker.append("T", 0, "", "x");
        assertEquals(List.of(), consumer.poll(Duration.ofMillis(200)), "on the client's clock the fetch is not overdue");

        impatient.clock.advance(Duration.ofSeconds(1).toNanos()); // past the long poll and two request timeouts

        assertEquals(List.of("x"), bodies(pollUntil(consumer, 1)));
    }

    @Test
    void shouldFetchTheRoutesOfAssignedQueuesWhenTheirBrokerIsNotKnownYet()
    {
        fill(2);
        context.knowBrokersOnlyFromRoutes();
        final PullConsumerImpl consumer = open(context, config().build());

        consumer.assign(List.of(Q0));

        assertEquals(List.of("a0", "a1"), bodies(pollUntil(consumer, 2)));
    }

    @Test
    void shouldStartAnAssignedQueueWhenItsTopicAppearsAfterTheAssignment()
    {
        context.knowBrokersOnlyFromRoutes();
        final PullConsumerImpl consumer = open(context, config().build());
        final MessageQueue later = new MessageQueue("LATER", "b1", 0);

        consumer.assign(List.of(later));
        broker.createTopic("LATER", 1);
        broker.append("LATER", 0, "", "first");

        assertEquals(List.of("first"), bodies(pollUntil(consumer, 1)));
    }

    @Test
    void shouldWaitForAMessageWithoutSpinningWhenPollHasATimeout() throws Exception
    {
        final PullConsumerImpl consumer = open(context, config().build());
        consumer.assign(List.of(Q0));
        final Thread producer = new Thread(() ->
        {
            Await.pause(200);
            broker.append("T", 0, "", "late");
        });
        producer.start();

        final long start = System.nanoTime();
        final List<ReceivedMessage> polled = consumer.poll(Duration.ofSeconds(5));
        final long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        producer.join();

        assertEquals(List.of("late"), bodies(polled));
        assertTrue(elapsedMs >= 150 && elapsedMs < 3000, "elapsedMs=" + elapsedMs);
        final int pulls = broker.pullCount("T", 0);
        assertTrue(pulls <= 3, "long polls, not a loop: pulls=" + pulls);
    }

    @Test
    void shouldReadFromTheNewPositionWhenSeeking()
    {
        fill(10);
        final PullConsumerImpl consumer = open(context, config().build());
        consumer.assign(List.of(Q0));

        consumer.seek(Q0, 7);
        assertEquals(List.of("a7", "a8", "a9"), bodies(pollUntil(consumer, 3)));
        consumer.seekToBeginning(Q0);
        assertEquals("a0", bodies(pollUntil(consumer, 10)).get(0));
        consumer.seekToTimestamp(Q0, 1004);
        assertEquals(List.of("a4", "a5", "a6", "a7", "a8", "a9"), bodies(pollUntil(consumer, 6)));
        consumer.seekToEnd(Q0);
        broker.append("T", 0, "", "fresh");
        assertEquals(List.of("fresh"), bodies(pollUntil(consumer, 1)));
    }

    @Test
    void shouldSeekAtOnceWhenALongPollIsPending()
    {
        fill(3);
        final PullConsumerImpl consumer = open(context, config().build());
        consumer.assign(List.of(Q0));
        pollUntil(consumer, 3);
        Await.pause(100);

        final long start = System.nanoTime();
        consumer.seek(Q0, 1);

        assertEquals(List.of("a1", "a2"), bodies(pollUntil(consumer, 2)));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "did not wait for the long poll");
    }

    @Test
    void shouldCommitThePositionAfterWhatPollReturnedWhenCommitting()
    {
        fill(5);
        final PullConsumerImpl consumer = open(context, config().pullBatchSize(2).build());
        consumer.assign(List.of(Q0));
        assertEquals(-1, consumer.committed(Q0));

        final List<ReceivedMessage> polled = consumer.poll(Duration.ofSeconds(5));
        consumer.commit();

        assertEquals(2, polled.size(), "pullBatchSize per queue per poll");
        assertEquals(2, consumer.committed(Q0));
        consumer.commit(Q0, 4);
        assertEquals(4, broker.committed(GROUP, "T", 0));
        assertThrows(InvalidArgumentException.class, () -> consumer.commit(Q0, -1));
    }

    @Test
    void shouldStartFromTheCommittedOffsetWhenTheGroupHasOne()
    {
        fill(5);
        broker.setCommitted(GROUP, "T", 0, 3);
        final PullConsumerImpl consumer = open(context, config().consumeFrom(ConsumeFrom.LAST).build());
        consumer.assign(List.of(Q0));

        assertEquals(List.of("a3", "a4"), bodies(pollUntil(consumer, 2)));
    }

    @Test
    void shouldAutoCommitPolledPositionsAtTheNextPollAndOnClose()
    {
        fill(4);
        final PullConsumerImpl consumer = open(context, config().autoCommit(true)
            .autoCommitInterval(Duration.ofMillis(50)).build());
        consumer.assign(List.of(Q0, Q1));
        Await.until(() -> broker.served.get() == 8, () -> "served=" + broker.served.get());
        Await.pause(100);
        assertEquals(8, consumer.poll(Duration.ofSeconds(5)).size());
        Await.pause(200);
        assertEquals(0, broker.committed(GROUP, "T", 0), "polled, but not yet counted as consumed");

        consumer.poll(Duration.ZERO);
        Await.until(() -> broker.committed(GROUP, "T", 0) == 4 && broker.committed(GROUP, "T", 1) == 4,
            () -> "committed=" + broker.committed(GROUP, "T", 0));

        broker.append("T", 0, "", "last");
        pollUntil(consumer, 1);
        consumer.close();
        assertEquals(5, broker.committed(GROUP, "T", 0), "close commits what poll returned");
    }

    @Test
    void shouldShareQueuesWithTheOtherMembersWhenSubscribed()
    {
        broker.createTopic("T4", 4);
        final FakeClientContext otherContext = new FakeClientContext("client-B", broker);
        closeables.add(otherContext);
        final PullConsumerImpl first = open(context, config().build());
        final PullConsumerImpl second = open(otherContext, config().build());

        first.subscribe("T4", "*");
        assertEquals(4, first.assignment().size());
        second.subscribe("T4", "*");

        Await.until(() -> first.assignment().size() == 2 && second.assignment().size() == 2,
            () -> "first=" + first.assignment() + ", second=" + second.assignment());
        for (int i = 0; i < 8; i++)
        {
            broker.append("T4", i % 4, "", "m" + i);
        }
        final List<String> all = new ArrayList<>(bodies(pollUntil(first, 4)));
        all.addAll(bodies(pollUntil(second, 4)));
        assertEquals(8, Set.copyOf(all).size());
        assertEquals(List.of(4), first.queues("T4").stream().map(q -> 4).distinct().toList());
    }

    @Test
    void shouldRestartFromTheResetOffsetsWhenTheGroupIsResetWhileSubscribed()
    {
        fill(5);
        final PullConsumerImpl consumer = open(context, config().build());
        consumer.subscribe("T", "*");
        pollUntil(consumer, 10);
        consumer.commit();

        // the reset set offsets 2 and 4, then a commit of the old positions overwrote them
        broker.setCommitted(GROUP, "T", 0, 5);
        broker.setCommitted(GROUP, "T", 1, 5);
        broker.fire(new GroupEvent(GROUP, GroupEvent.Kind.OFFSETS_RESET, "T", Map.of(0, 2L, 1, 4L)));

        assertEquals(List.of("a2", "a3", "a4", "b4"), bodies(pollUntil(consumer, 4)).stream().sorted().toList());
        Await.until(() -> broker.committed(GROUP, "T", 0) == 2, () -> "reset offsets committed again");
    }

    @Test
    void shouldFilterTagsExactlyWhenSubscribedWithATagExpression()
    {
        final PullConsumerImpl consumer = open(context, config().build());
        consumer.subscribe("T", "Aa");
        broker.append("T", 0, "BB", "twin");
        broker.append("T", 0, "Aa", "wanted");

        assertEquals(List.of("wanted"), bodies(pollUntil(consumer, 1)));
        consumer.commit();
        assertEquals(2, consumer.committed(Q0), "the filtered message counts as consumed");
    }

    @Test
    void shouldCheckSqlOnTheClientWhenTheBrokerSendsMessagesThatDoNotMatch()
    {
        final PullConsumerImpl consumer = open(context, config().build());
        consumer.subscribe("T", MessageSelector.sql("amount > 10"));
        broker.append("T", 0, "", "small", 1, Map.of("amount", "5"), 0);
        broker.append("T", 0, "", "none", 2, Map.of(), 0);
        broker.append("T", 0, "", "big", 3, Map.of("amount", "50"), 0);

        assertEquals(List.of("big"), bodies(pollUntil(consumer, 1)), "the fake broker does not filter by SQL");
        consumer.commit();
        assertEquals(3, consumer.committed(Q0), "the filtered messages count as consumed");
    }

    @Test
    void shouldKeepOffsetsLocallyWhenBroadcasting()
    {
        fill(3);
        final PullConsumerConfig config = config().messageModel(MessageModel.BROADCASTING)
            .offsetStoreDirectory(directory).build();
        final PullConsumerImpl consumer = open(context, config);
        consumer.subscribe("T", "*");
        pollUntil(consumer, 6);
        consumer.commit();
        consumer.close();

        final PullConsumerImpl reopened = open(context, config);
        assertEquals(3, reopened.committed(Q1));
        assertTrue(broker.commits.isEmpty());
    }

    @Test
    void shouldRejectCallsWhenTheQueueIsNotAssignedOrTheConsumerIsClosed()
    {
        final PullConsumerImpl consumer = open(context, config().build());
        consumer.assign(List.of(Q0));

        assertThrows(InvalidArgumentException.class, () -> consumer.seek(Q1, 0));
        assertThrows(InvalidArgumentException.class, () -> consumer.seekToTimestamp(Q1, 0));
        assertThrows(InvalidArgumentException.class, () -> consumer.seek(Q0, -1));
        consumer.close();
        consumer.close();
        assertThrows(ClosedException.class, () -> consumer.poll(Duration.ZERO));
    }

    @Test
    void shouldBufferNoMoreThanTheThresholdWhenTheApplicationDoesNotPoll()
    {
        fill(50);
        final PullConsumerImpl consumer = open(context, config().pullBatchSize(4).pullThresholdForQueue(10).build());
        consumer.assign(List.of(Q0));

        Await.until(() -> broker.served.get() >= 10, () -> "served=" + broker.served.get());
        Await.pause(200);

        assertEquals(10, broker.served.get());
        assertEquals(50, pollUntil(consumer, 50).size());
    }
}

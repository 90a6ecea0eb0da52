package io.rocklet.transport.grpc;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageView;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long-poll pulls served from a {@code Subscribe} stream, stub against a fake broker queue: following pulls share
 * one stream, the broker stops at the credits granted, another offset restarts the stream, errors and the end of
 * the long poll answer as a unary pull would, idle streams close, and unbinding the broker ends them.
 */
@Timeout(30)
class PullStreamTest
{
    private static final String GROUP = "g";
    private static final String TOPIC = "t";
    private static final int BATCH = 4;

    private GrpcTransport server;
    private GrpcTransport client;
    private String address;

    @AfterEach
    void close()
    {
        if (client != null)
        {
            client.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldServeFollowingPullsFromOneStreamWhenEachStartsWhereTheLastEnded()
    {
        final FakeQueue queue = new FakeQueue(TOPIC, 20);
        final GrpcBrokerStub stub = serve(queue, UnaryOperator.identity());
        long offset = 0;
        while (offset < 20)
        {
            final PullResult result = stub.pull(pull(offset, BATCH, 5_000)).join();
            assertEquals(PullStatus.FOUND, result.status());
            assertEquals(offsets(offset, offset + BATCH), offsetsOf(result));
            offset = result.nextOffset();
        }
        queue.append(1);
        assertEquals(List.of(20L), offsetsOf(stub.pull(pull(20, BATCH, 5_000)).join()), "pushed when it arrived");
        assertEquals(1, server.callsStarted("Subscribe"));
        assertEquals(0, server.callsStarted("Pull"));
    }

    @Test
    void shouldStopStreamingWhenTheCreditsAreUsedAndGoOnWhenAPullGrantsMore()
    {
        final FakeQueue queue = new FakeQueue(TOPIC, 1_000);
        final GrpcBrokerStub stub = serve(queue, UnaryOperator.identity());
        assertEquals(offsets(0, 4), offsetsOf(stub.pull(pull(0, BATCH, 5_000)).join()));
        final PullStream stream = stub.streams().stream(GROUP, TOPIC, 0);
        // 2 batches of credits: the first pull took one and granted it back, so two more wait in the buffer
        Await.until(() -> stream.bufferedCredits() == 2 * BATCH, () -> stream + " credits " + stream.bufferedCredits());
        Await.holds(Duration.ofMillis(300), () -> queue.pulledMessages() == 3 * BATCH,
            () -> "the broker streamed past the credits: pulled " + queue.pulledMessages());

        assertEquals(offsets(4, 8), offsetsOf(stub.pull(pull(4, BATCH, 5_000)).join()));
        Await.until(() -> queue.pulledMessages() == 4 * BATCH,
            () -> "no more after a grant: " + queue.pulledMessages());
        Await.holds(Duration.ofMillis(100), () -> stream.bufferedCredits() <= 2 * BATCH, () -> stream.toString());
    }

    @Test
    void shouldTakePartOfABufferedResultWhenAPullAsksForFewerMessages()
    {
        final GrpcBrokerStub stub = serve(new FakeQueue(TOPIC, 100), UnaryOperator.identity());
        assertEquals(offsets(0, 4), offsetsOf(stub.pull(pull(0, BATCH, 5_000)).join()));
        final PullStream stream = stub.streams().stream(GROUP, TOPIC, 0);
        Await.until(() -> stream.bufferedCredits() == 2 * BATCH, stream::toString);

        final PullResult part = stub.pull(pull(4, 1, 5_000)).join();
        assertEquals(List.of(4L), offsetsOf(part));
        assertEquals(5, part.nextOffset());
        assertEquals(offsets(5, 8), offsetsOf(stub.pull(pull(5, BATCH, 5_000)).join()));
        assertEquals(1, server.callsStarted("Subscribe"), "still the first stream");
    }

    @Test
    void shouldRestartTheStreamAtTheOffsetOfAPullThatDoesNotFollowOn()
    {
        final GrpcBrokerStub stub = serve(new FakeQueue(TOPIC, 100), UnaryOperator.identity());
        assertEquals(offsets(0, 4), offsetsOf(stub.pull(pull(0, BATCH, 5_000)).join()));
        assertEquals(offsets(50, 54), offsetsOf(stub.pull(pull(50, BATCH, 5_000)).join()), "seek forwards");
        assertEquals(offsets(2, 6), offsetsOf(stub.pull(pull(2, BATCH, 5_000)).join()), "seek back");
        assertEquals(offsets(6, 10), offsetsOf(stub.pull(pull(6, BATCH, 5_000)).join()));
        assertEquals(3, server.callsStarted("Subscribe"));
        Await.until(() -> server.callsOpen("Subscribe") == 1, () -> "replaced streams still open: " +
            server.callsOpen("Subscribe"));
    }

    @Test
    void shouldAnswerNoNewMessagesAtThePullOffsetWhenNothingArrivesWithinTheLongPoll()
    {
        final FakeQueue queue = new FakeQueue(TOPIC, 3);
        final GrpcBrokerStub stub = serve(queue, UnaryOperator.identity());
        assertEquals(offsets(0, 3), offsetsOf(stub.pull(pull(0, BATCH, 5_000)).join()));

        final PullResult nothing = stub.pull(pull(3, BATCH, 200)).join();
        assertEquals(PullStatus.NO_NEW_MESSAGES, nothing.status());
        assertEquals(3, nothing.nextOffset());
        assertTrue(nothing.messages().isEmpty());

        final CompletableFuture<PullResult> waiting = stub.pull(pull(3, BATCH, 5_000));
        Await.until(() -> queue.heldPulls() == 1, () -> "the broker holds no pull");
        queue.append(2);
        assertEquals(offsets(3, 5), offsetsOf(waiting.join()));
        assertEquals(1, server.callsStarted("Subscribe"), "the long poll ended on the client, not the stream");
    }

    @Test
    void shouldFailThePullWithTheBrokersErrorWhenThePullFailsOnTheBroker()
    {
        final BrokerService broker = FakeBroker.create().on("pull", args -> CompletableFuture.failedFuture(
            new RockletException(ErrorCode.TOPIC_NOT_FOUND, "cannot pull, no such topic: topic=t"))).build();
        final GrpcBrokerStub stub = serve(broker, UnaryOperator.identity());
        for (int i = 0; i < 2; i++)
        {
            final RockletException missing = Failures.failure(stub.pull(pull(0, BATCH, 5_000)));
            assertEquals(ErrorCode.TOPIC_NOT_FOUND, missing.errorCode(), missing.toString());
            assertFalse(missing.retriable());
            assertTrue(missing.getMessage().contains("topic=t"), missing.getMessage());
        }
        assertEquals(2, server.callsStarted("Subscribe"), "a failed stream is opened again by the next pull");
    }

    @Test
    void shouldFailTheWaitingPullWithBrokerUnavailableWhenTheBrokerIsUnbound()
    {
        final FakeQueue queue = new FakeQueue(TOPIC, 0);
        server = GrpcTransport.create(TestTls.plaintext().build());
        final GrpcBinding served = server.serve("grpc://127.0.0.1:0", broker(queue));
        client = GrpcTransport.create(TestTls.plaintext().build());
        final GrpcBrokerStub stub = (GrpcBrokerStub) client.broker(served.address());
        final CompletableFuture<PullResult> waiting = stub.pull(pull(0, BATCH, 10_000));
        Await.until(() -> queue.heldPulls() == 1, () -> "the broker holds no pull");

        served.close();
        final RockletException gone = Failures.failure(waiting);
        assertEquals(ErrorCode.BROKER_UNAVAILABLE, gone.errorCode(), gone.toString());
        assertTrue(gone.retriable());
    }

    @Test
    void shouldCloseAStreamWhenNoPullUsesItForTheIdleTimeout()
    {
        final GrpcBrokerStub stub = serve(new FakeQueue(TOPIC, 100),
            config -> config.streamIdleTimeout(Duration.ofMillis(200)));
        assertEquals(offsets(0, 4), offsetsOf(stub.pull(pull(0, BATCH, 5_000)).join()));
        Await.until(() -> server.callsOpen("Subscribe") == 0 && stub.streams().size() == 0,
            () -> "idle stream still open: " + stub.streams().stream(GROUP, TOPIC, 0));

        assertEquals(offsets(4, 8), offsetsOf(stub.pull(pull(4, BATCH, 5_000)).join()), "reopened where it was");
        assertEquals(2, server.callsStarted("Subscribe"));
    }

    @Test
    void shouldEndTheStreamsWhenTheClientTransportCloses()
    {
        final FakeQueue queue = new FakeQueue(TOPIC, 0);
        final GrpcBrokerStub stub = serve(queue, UnaryOperator.identity());
        final CompletableFuture<PullResult> waiting = stub.pull(pull(0, BATCH, 10_000));
        Await.until(() -> server.callsOpen("Subscribe") == 1, () -> "no stream open");

        client.close();
        final RockletException closed = Failures.failure(waiting);
        assertEquals(ErrorCode.CLOSED, closed.errorCode(), closed.toString());
        assertEquals(ErrorCode.CLOSED, Failures.failure(stub.pull(pull(0, BATCH, 10_000))).errorCode());
        Await.until(() -> server.callsOpen("Subscribe") == 0, () -> "stream still open on the server");
    }

    @Test
    void shouldPullWithUnaryCallsWhenStreamingIsOffOrThePullDoesNotWait()
    {
        final FakeQueue queue = new FakeQueue(TOPIC, 100);
        final GrpcBrokerStub unary = serve(queue, config -> config.streamingPull(false));
        assertEquals(offsets(0, 4), offsetsOf(unary.pull(pull(0, BATCH, 5_000)).join()));
        try (GrpcTransport streaming = GrpcTransport.create(TestTls.plaintext().build()))
        {
            assertEquals(offsets(4, 8), offsetsOf(streaming.broker(address).pull(pull(4, BATCH, 0)).join()),
                "no long poll");
        }
        assertEquals(2, server.callsStarted("Pull"));
        assertEquals(0, server.callsStarted("Subscribe"));
    }

    private GrpcBrokerStub serve(final FakeQueue queue, final UnaryOperator<GrpcTransportConfig.Builder> settings)
    {
        return serve(broker(queue), settings);
    }

    private GrpcBrokerStub serve(final BrokerService broker, final UnaryOperator<GrpcTransportConfig.Builder> settings)
    {
        server = GrpcTransport.create(TestTls.plaintext().build());
        address = server.serve("grpc://127.0.0.1:0", broker).address();
        client = GrpcTransport.create(settings.apply(TestTls.plaintext().streamPrefetchBatches(2)).build());
        return (GrpcBrokerStub) client.broker(address);
    }

    private static BrokerService broker(final FakeQueue queue)
    {
        return FakeBroker.create().on("pull", args -> queue.pull((PullRequest) args[0])).build();
    }

    private static PullRequest pull(final long offset, final int maxCount, final long longPollMs)
    {
        return new PullRequest(GROUP, TOPIC, 0, offset, maxCount, "*", longPollMs);
    }

    private static List<Long> offsets(final long from, final long to)
    {
        return LongStream.range(from, to).boxed().toList();
    }

    private static List<Long> offsetsOf(final PullResult result)
    {
        return result.messages().stream().map(MessageView::queueOffset).toList();
    }
}

package io.rocklet.transport.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.StorageException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How calls fail and recover over gRPC, against a broker faked at the SPI: every Rocklet error crosses the wire with
 * its code, the in-flight bound answers BUSY, deadlines answer TIMEOUT and cover a pull's long poll, and group
 * watches are renewed after the server comes back.
 */
@Timeout(60)
class CallFailureTest
{
    private static final BrokerIdentity IDENTITY = new BrokerIdentity("c1", "b1", 0, "grpc://127.0.0.1:1");

    @Test
    void shouldRebuildEveryErrorCodeOnTheClientWhenTheBrokerFails()
    {
        for (final ErrorCode code : ErrorCode.values())
        {
            final BrokerService failing = FakeBroker.create().on("identity", args -> CompletableFuture
                .failedFuture(new RockletException(code, "failed on purpose: code=" + code))).build();
            try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
                GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build()))
            {
                final GrpcBinding binding = server.serve("grpc://127.0.0.1:0", failing);
                final RockletException error = Failures.failure(client.broker(binding.address()).identity());
                assertEquals(code, error.errorCode(), error.toString());
                assertEquals(code.retriable(), error.retriable(), code.name());
                assertEquals("failed on purpose: code=" + code, error.getMessage());
                if (code == ErrorCode.CLOSED)
                {
                    assertInstanceOf(ClosedException.class, error);
                }
                if (code == ErrorCode.ILLEGAL_TOPIC)
                {
                    assertInstanceOf(InvalidArgumentException.class, error);
                }
                if (code == ErrorCode.DISK_FULL)
                {
                    assertInstanceOf(StorageException.class, error);
                }
            }
        }
    }

    @Test
    void shouldAnswerAnUnexpectedServiceFailureWithInternalError()
    {
        final BrokerService broken = FakeBroker.create().on("identity", args ->
        {
            throw new IllegalStateException("bug");
        }).build();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build()))
        {
            final GrpcBinding binding = server.serve("grpc://127.0.0.1:0", broken);
            final RockletException error = Failures.failure(client.broker(binding.address()).identity());
            assertEquals(ErrorCode.INTERNAL_ERROR, error.errorCode(), error.toString());
            assertTrue(error.getMessage().contains("bug"), error.getMessage());
        }
    }

    @Test
    void shouldRefuseAnAddressAlreadyListenedOnOrServed()
    {
        try (GrpcTransport first = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport second = GrpcTransport.create(TestTls.plaintext().build()))
        {
            final GrpcBinding endpoint = first.listen("grpc://127.0.0.1:0");
            final RockletException inUse = assertThrows(RockletException.class,
                () -> second.listen(endpoint.address()));
            assertEquals(ErrorCode.IO_ERROR, inUse.errorCode(), inUse.toString());
            assertTrue(inUse.getMessage().contains(endpoint.address()), inUse.getMessage());
            assertThrows(InvalidArgumentException.class, () -> first.listen(endpoint.address()));

            first.serve(endpoint.address(), FakeBroker.create().build());
            final InvalidArgumentException served = assertThrows(InvalidArgumentException.class,
                () -> first.serve(endpoint.address(), FakeBroker.create().build()));
            assertTrue(served.getMessage().contains("address already served: kind=broker"), served.getMessage());
            assertThrows(InvalidArgumentException.class, () -> first.broker("grpc://127.0.0.1:0"));
        }
    }

    @Test
    void shouldFailWithBusyWhenMoreCallsThanAllowedAreInFlight() throws Exception
    {
        final BlockingQueue<CompletableFuture<BrokerIdentity>> held = new LinkedBlockingQueue<>();
        final BrokerService slow = FakeBroker.create().on("identity", args ->
        {
            final CompletableFuture<BrokerIdentity> answer = new CompletableFuture<>();
            held.add(answer);
            return answer;
        }).build();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport client = GrpcTransport.create(TestTls.plaintext().maxInFlightRequests(2).build()))
        {
            final String address = server.serve("grpc://127.0.0.1:0", slow).address();
            final BrokerService stub = client.broker(address);
            final CompletableFuture<BrokerIdentity> first = stub.identity();
            final CompletableFuture<BrokerIdentity> second = stub.identity();
            final RockletException busy = Failures.failure(stub.identity());
            assertEquals(ErrorCode.BUSY, busy.errorCode(), busy.toString());
            assertTrue(busy.retriable());
            assertTrue(busy.getMessage().contains("maxInFlightRequests=2"), busy.getMessage());

            held.poll(10, TimeUnit.SECONDS).complete(IDENTITY);
            held.poll(10, TimeUnit.SECONDS).complete(IDENTITY);
            assertEquals(IDENTITY, first.get(10, TimeUnit.SECONDS));
            assertEquals(IDENTITY, second.get(10, TimeUnit.SECONDS));
            final CompletableFuture<BrokerIdentity> third = stub.identity();
            held.poll(10, TimeUnit.SECONDS).complete(IDENTITY);
            assertEquals(IDENTITY, third.get(10, TimeUnit.SECONDS), "permits are given back");
        }
    }

    @Test
    void shouldKeepOtherCallsGoingWhenCommitsFillTheirOwnBudget() throws Exception
    {
        final BlockingQueue<CompletableFuture<Void>> held = new LinkedBlockingQueue<>();
        final BrokerService slow = FakeBroker.create().on("commitOffsets", args ->
        {
            final CompletableFuture<Void> answer = new CompletableFuture<>();
            held.add(answer);
            return answer;
        }).on("identity", args -> CompletableFuture.completedFuture(IDENTITY))
            .on("pull", args -> CompletableFuture.completedFuture(new PullResult(PullStatus.NO_NEW_MESSAGES, 0, 0, 0,
                List.of()))).build();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport client = GrpcTransport.create(TestTls.plaintext().maxInFlightRequests(2)
                .streamingPull(false).build()))
        {
            final String address = server.serve("grpc://127.0.0.1:0", slow).address();
            final BrokerService stub = client.broker(address);
            final CommitOffsetsRequest commit = new CommitOffsetsRequest("g", List.of(new QueueOffset("t", 0, 1)));
            final CompletableFuture<Void> first = stub.commitOffsets(commit);
            final CompletableFuture<Void> second = stub.commitOffsets(commit);
            final RockletException busy = Failures.failure(stub.commitOffsets(commit));
            assertEquals(ErrorCode.BUSY, busy.errorCode(), busy.toString());
            assertTrue(busy.getMessage().contains("budget=COMMITS"), busy.getMessage());

            assertEquals(IDENTITY, stub.identity().get(10, TimeUnit.SECONDS), "other calls have their own budget");
            assertEquals(PullStatus.NO_NEW_MESSAGES, stub.pull(new PullRequest("g", "t", 0, 0, 32, "*", 0))
                .get(10, TimeUnit.SECONDS).status(), "pulls have their own budget");
            held.poll(10, TimeUnit.SECONDS).complete(null);
            held.poll(10, TimeUnit.SECONDS).complete(null);
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldFailWithTimeoutWhenTheBrokerDoesNotAnswerBeforeTheDeadline()
    {
        final BrokerService silent = FakeBroker.create().on("identity", args -> new CompletableFuture<>()).build();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport client = GrpcTransport.create(TestTls.plaintext().callTimeout(Duration.ofMillis(300))
                .build()))
        {
            final String address = server.serve("grpc://127.0.0.1:0", silent).address();
            final RockletException timeout = Failures.failure(client.broker(address).identity());
            assertEquals(ErrorCode.TIMEOUT, timeout.errorCode(), timeout.toString());
            assertTrue(timeout.retriable());
        }
    }

    @Test
    void shouldGiveAPullADeadlineThatCoversItsLongPollWhenStreamingIsOff()
    {
        final CompletableFuture<Deadline> seen = new CompletableFuture<>();
        final BrokerService broker = FakeBroker.create().on("pull", args ->
        {
            seen.complete(Context.current().getDeadline());
            return CompletableFuture.completedFuture(new PullResult(PullStatus.NO_NEW_MESSAGES, 0, 0, 0, List.of()));
        }).build();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport client = GrpcTransport.create(TestTls.plaintext().callTimeout(Duration.ofSeconds(2))
                .streamingPull(false).build()))
        {
            final String address = server.serve("grpc://127.0.0.1:0", broker).address();
            final PullResult result = client.broker(address).pull(new PullRequest("g", "t", 0, 0, 32, "*",
                30_000)).join();
            assertEquals(PullStatus.NO_NEW_MESSAGES, result.status());
            final Deadline deadline = seen.join();
            assertNotNull(deadline, "the pull carries a deadline");
            final long remainingMs = deadline.timeRemaining(TimeUnit.MILLISECONDS);
            assertTrue(remainingMs > 30_000 && remainingMs <= 32_000, "remainingMs=" + remainingMs);
        }
    }

    @Test
    void shouldDeliverGroupEventsAndRenewTheWatchWhenTheServerComesBack() throws Exception
    {
        final List<Consumer<GroupEvent>> watchers = new CopyOnWriteArrayList<>();
        final AtomicInteger closedWatches = new AtomicInteger();
        final BrokerService broker = FakeBroker.create().on("watchGroup", args ->
        {
            @SuppressWarnings("unchecked") final Consumer<GroupEvent> listener = (Consumer<GroupEvent>) args[2];
            watchers.add(listener);
            return (Subscription) () ->
            {
                watchers.remove(listener);
                closedWatches.incrementAndGet();
            };
        }).build();
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build()))
        {
            GrpcBinding endpoint = server.listen("grpc://127.0.0.1:0");
            final String address = endpoint.address();
            server.serve(address, broker);
            final BlockingQueue<GroupEvent> events = new LinkedBlockingQueue<>();
            final Subscription watch = client.broker(address).watchGroup("g", "client-1", events::add);
            Await.until(() -> watchers.size() == 1, () -> "watch not set up on the broker");
            final GroupEvent reset = new GroupEvent("g", GroupEvent.Kind.OFFSETS_RESET, "orders", Map.of(0, 5L, 1, 9L));
            watchers.get(0).accept(reset);
            assertEquals(reset, events.poll(10, TimeUnit.SECONDS));

            endpoint.close(); // the server goes away with the watch open
            assertEquals(1, closedWatches.get(), "the broker-side watch ends with its server");
            endpoint = server.listen(address);
            server.serve(address, broker);
            assertEquals(new GroupEvent("g", GroupEvent.Kind.MEMBERS_CHANGED), events.poll(20, TimeUnit.SECONDS),
                "a renewed watch tells of a possible change");
            assertEquals(1, watchers.size());
            final GroupEvent joined = new GroupEvent("g", GroupEvent.Kind.MEMBERS_CHANGED);
            watchers.get(0).accept(joined);
            assertEquals(joined, events.poll(10, TimeUnit.SECONDS));

            watch.close();
            Await.until(() -> watchers.isEmpty(), () -> "the broker-side watch outlived the subscription");
            endpoint.close();
        }
    }
}

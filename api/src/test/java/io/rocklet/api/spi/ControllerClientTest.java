package io.rocklet.api.spi;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.NotLeaderException;
import io.rocklet.api.RockletException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class ControllerClientTest
{
    private static final ControllerService.ReplicaSetState STATE = new ControllerService.ReplicaSetState("c", "b",
        Map.of(0L, "a0"), 0, 1, Set.of(0L), 1);
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Transport transport = new Transport()
    {
        @Override
        public RouterService router(final String address)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public BrokerService broker(final String address)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Binding serve(final String address, final RouterService service)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Binding serve(final String address, final BrokerService service)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ControllerService controller(final String address)
        {
            return new Controller(address);
        }

        @Override
        public void close()
        {
        }
    };

    @Test
    void shouldFollowNotLeaderHintAndPreferLeaderWhenAFollowerAnswersFirst() throws Exception
    {
        answers.put("c1", () -> CompletableFuture.failedFuture(new NotLeaderException("not leader", "c3")));
        answers.put("c3", () -> CompletableFuture.completedFuture(STATE));
        final ControllerClient client = new ControllerClient(transport, List.of("c1", "c2", "c3"), 2, Duration.ZERO);

        assertEquals(STATE, client.replicaSet("b").get(5, TimeUnit.SECONDS));
        assertEquals("c3", client.preferredAddress());
        assertNull(calls.get("c2"), "the hint skipped c2");
        assertEquals(STATE, client.replicaSet("b").get(5, TimeUnit.SECONDS));
        assertEquals(1, calls.get("c1").get(), "the next call went to the leader at once");
    }

    @Test
    void shouldKeepToTheConfiguredAddressesWhenAHintNamesAnotherAddress() throws Exception
    {
        // reached through proxies p1..p3; the leader names its own address c3, which this client must not use
        answers.put("p1", () -> CompletableFuture.failedFuture(new NotLeaderException("not leader", "c3")));
        answers.put("p2", () -> CompletableFuture.failedFuture(new NotLeaderException("not leader", "c3")));
        answers.put("p3", () -> CompletableFuture.completedFuture(STATE));
        answers.put("c3", () -> CompletableFuture.completedFuture(STATE));
        final ControllerClient client = new ControllerClient(transport, List.of("p1", "p2", "p3"), 2, Duration.ZERO);

        assertEquals(STATE, client.replicaSet("b").get(5, TimeUnit.SECONDS));
        assertEquals("p3", client.preferredAddress());
        assertNull(calls.get("c3"), "the hinted address outside the list was never called");
    }

    @Test
    void shouldTryNextAddressWhenControllerIsUnreachable() throws Exception
    {
        answers.put("c1", () -> CompletableFuture.failedFuture(new RockletException(ErrorCode.BROKER_UNAVAILABLE,
            "down")));
        answers.put("c2", () -> CompletableFuture.completedFuture(STATE));
        final ControllerClient client = new ControllerClient(transport, List.of("c1", "c2"), 1, Duration.ZERO);

        assertEquals(STATE, client.replicaSet("b").get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldFailNamingAddressesTriedWhenNoLeaderAnswersInAnyRound()
    {
        answers.put("c1", () -> CompletableFuture.failedFuture(new NotLeaderException("election", "")));
        answers.put("c2", () -> CompletableFuture.failedFuture(new RockletException(ErrorCode.NO_QUORUM, "none")));
        final ControllerClient client = new ControllerClient(transport, List.of("c1", "c2"), 3, Duration.ofMillis(1));

        final ExecutionException e = assertThrows(ExecutionException.class,
            () -> client.replicaSet("b").get(5, TimeUnit.SECONDS));

        final RockletException cause = assertInstanceOf(RockletException.class, e.getCause());
        assertTrue(cause.retriable());
        assertTrue(cause.getMessage().contains("tried=[c1, c2, c1, c2, c1, c2]"), cause.getMessage());
    }

    @Test
    void shouldFailAtOnceWhenLeaderRefusesRequest()
    {
        answers.put("c1", () -> CompletableFuture.failedFuture(new RockletException(ErrorCode.STALE_EPOCH, "old")));
        final ControllerClient client = new ControllerClient(transport, List.of("c1", "c2"), 3, Duration.ZERO);

        final ExecutionException e = assertThrows(ExecutionException.class,
            () -> client.replicaSet("b").get(5, TimeUnit.SECONDS));

        assertEquals(ErrorCode.STALE_EPOCH, ((RockletException)e.getCause()).errorCode());
        assertNull(calls.get("c2"));
    }

    /** What a controller answers. */
    private interface Answer
    {
        CompletableFuture<ControllerService.ReplicaSetState> get();
    }

    private final class Controller implements ControllerService
    {
        private final String address;

        private Controller(final String address)
        {
            this.address = address;
        }

        private CompletableFuture<ReplicaSetState> answer()
        {
            calls.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            final Answer answer = answers.get(address);
            return answer == null ? CompletableFuture.failedFuture(new RockletException(
                ErrorCode.BROKER_UNAVAILABLE, "nothing at " + address)) : answer.get();
        }

        @Override
        public CompletableFuture<ReplicaSetState> registerReplica(final RouterService.BrokerIdentity replica)
        {
            return answer();
        }

        @Override
        public CompletableFuture<ReplicaSetState> heartbeat(final ReplicaHeartbeat heartbeat)
        {
            return answer();
        }

        @Override
        public CompletableFuture<ReplicaSetState> alterSyncStateSet(final SyncStateSetChange change)
        {
            return answer();
        }

        @Override
        public CompletableFuture<ReplicaSetState> replicaSet(final String brokerName)
        {
            return answer();
        }

        @Override
        public CompletableFuture<ReplicaSetState> electMaster(final String brokerName)
        {
            return answer();
        }
    }
}

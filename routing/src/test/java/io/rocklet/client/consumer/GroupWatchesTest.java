package io.rocklet.client.consumer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Group watches of a consumer: a refused watch (at once, as the local transport refuses it, or later through the
 * subscription's failure, as a gRPC stream is refused) is not retried at every rebalance; a transient failure is.
 */
@Timeout(30)
class GroupWatchesTest
{
    private final FakeBroker broker = new FakeBroker("b1");
    private final FakeClientContext context = new FakeClientContext("client-A", broker);
    private final GroupWatches watches = new GroupWatches(context, "g", (name, event) -> { });

    @AfterEach
    void close()
    {
        watches.close();
        context.close();
    }

    @Test
    void shouldNotWatchAgainWhenBrokerRefusesTheWatchAtOnce()
    {
        broker.refuseWatches(new RockletException(ErrorCode.PERMISSION_DENIED, "permission denied: action=Sub"),
            false);

        watches.watch(List.of("b1"));
        watches.watch(List.of("b1"));

        assertEquals(1, broker.watchCalls());
        assertEquals(Set.of("b1"), watches.refused());
    }

    @Test
    void shouldNotWatchAgainWhenBrokerRefusesTheWatchLater()
    {
        broker.refuseWatches(new RockletException(ErrorCode.UNAUTHENTICATED, "unauthenticated: reason=x"), true);

        watches.watch(List.of("b1"));
        watches.watch(List.of("b1"));

        assertEquals(1, broker.watchCalls());
        assertEquals(Set.of("b1"), watches.refused());
    }

    @Test
    void shouldWatchAgainWhenWatchFailedTransiently()
    {
        broker.refuseWatches(new RockletException(ErrorCode.BROKER_UNAVAILABLE, "broker unavailable"), false);

        watches.watch(List.of("b1"));
        watches.watch(List.of("b1"));

        assertEquals(2, broker.watchCalls());
        assertEquals(Set.of(), watches.refused());
    }
}

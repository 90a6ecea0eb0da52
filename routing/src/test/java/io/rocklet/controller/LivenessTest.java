package io.rocklet.controller;

import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class LivenessTest
{
    private static final ReplicaSetState SET = new ReplicaSetState("c", "b",
        Map.of(0L, "a0", 1L, "a1", 2L, "a2", 3L, "a3"), 0, 1, Set.of(0L, 1L, 2L), 1);
    private final Liveness liveness = new Liveness(3_000);

    @Test
    void shouldChooseLargestLogThenLowestIdAmongLiveInSyncReplicas()
    {
        liveness.heartbeat("b", 1, 10_000, 1, 500);
        liveness.heartbeat("b", 2, 10_000, 1, 500);
        liveness.heartbeat("b", 3, 10_000, 1, 900); // not in sync

        assertEquals(1, liveness.choose(SET, 0, 11_000, false));
        liveness.heartbeat("b", 2, 10_500, 1, 600);
        assertEquals(2, liveness.choose(SET, 0, 11_000, false));
    }

    @Test
    void shouldSkipSilentReplicasAndFallBackToAnyLiveOneOnlyWhenUnclean()
    {
        liveness.heartbeat("b", 1, 1_000, 1, 500);
        liveness.heartbeat("b", 3, 10_000, 1, 100);

        assertEquals(ControllerService.NO_MASTER, liveness.choose(SET, 0, 10_000, false));
        assertEquals(3, liveness.choose(SET, 0, 10_000, true));
    }

    @Test
    void shouldGiveMasterOneTimeoutOfGraceFromLeadershipWhenNeverSeen()
    {
        assertFalse(liveness.masterSilent(SET, 12_000, 10_000));
        assertTrue(liveness.masterSilent(SET, 13_001, 10_000));
        liveness.heartbeat("b", 0, 13_000, 1, 0);
        assertFalse(liveness.masterSilent(SET, 16_000, 10_000));
        assertTrue(liveness.masterSilent(SET, 16_001, 10_000));
    }
}

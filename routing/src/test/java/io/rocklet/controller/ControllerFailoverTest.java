package io.rocklet.controller;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaHeartbeat;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.ControllerService.SyncStateSetChange;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three controllers in one JVM (Ratis on loopback), a manual clock: election from the sync state set, fencing, loss
 * of the leader, loss of the majority, restart from the data directories.
 */
@Timeout(60)
class ControllerFailoverTest
{
    private static final String SET = "broker-a";
    private static final long TIMEOUT_MS = 3_000;

    @TempDir
    Path directory;
    private ControllerGroup group;

    @AfterEach
    void closeGroup()
    {
        if (group != null)
        {
            group.close();
        }
    }

    @Test
    void shouldElectLargestInSyncSlaveWithNextEpochWhenMasterStopsHeartbeating() throws Exception
    {
        group = new ControllerGroup(directory);
        final ControllerService leader = group.awaitLeader().service();
        registerThree(leader);
        answer(leader.alterSyncStateSet(new SyncStateSetChange(SET, 0, 1, Set.of(0L, 1L, 2L))));
        heartbeat(leader, 0, 1, 500);
        heartbeat(leader, 1, 1, 300);
        heartbeat(leader, 2, 1, 400);

        final ReplicaSetState elected = silenceMaster(leader, 300, 400);

        assertEquals(2, elected.masterBrokerId(), "the in-sync slave with the largest log: " + elected);
        assertEquals(2, elected.masterEpoch());
        assertEquals(Set.of(2L), elected.syncStateSet());
        assertEquals("addr-2", elected.masterAddress());
        group.awaitEverywhere(SET, state -> state.masterEpoch() == 2, "every controller applied epoch 2");
    }

    @Test
    void shouldTellOldMasterNewMasterAndRefuseItsStaleSyncStateSetWhenItComesBack() throws Exception
    {
        group = new ControllerGroup(directory);
        final ControllerService leader = group.awaitLeader().service();
        registerThree(leader);
        answer(leader.alterSyncStateSet(new SyncStateSetChange(SET, 0, 1, Set.of(0L, 1L))));
        heartbeat(leader, 1, 1, 300);
        heartbeat(leader, 2, 1, 900); // not in sync: never elected, however long its log
        silenceMaster(leader, 300, 900);

        final ReplicaSetState told = heartbeat(leader, 0, 1, 500);
        final RockletException stale = failure(leader.alterSyncStateSet(
            new SyncStateSetChange(SET, 0, 1, Set.of(0L, 1L))));

        assertEquals(1, told.masterBrokerId(), "the old master learns the new one: " + told);
        assertEquals(2, told.masterEpoch());
        assertEquals(ErrorCode.STALE_EPOCH, stale.errorCode(), stale.getMessage());
        assertEquals(2, answer(leader.replicaSet(SET)).masterEpoch(), "the refused report changed nothing");
    }

    @Test
    void shouldLeaveNoMasterWhenNoInSyncReplicaIsAliveAndElectItWhenItReturns() throws Exception
    {
        group = new ControllerGroup(directory);
        final ControllerService leader = group.awaitLeader().service();
        registerThree(leader);
        heartbeat(leader, 1, 1, 300); // alive, but the sync state set is {0}
        final ReplicaSetState none = silenceMaster(leader, 300, -1);

        assertFalse(none.hasMaster(), "no eligible replica, no master: " + none);
        assertEquals(2, none.masterEpoch());
        assertEquals(Set.of(0L), none.syncStateSet(), "kept, so that replica 0 stays eligible");

        heartbeat(leader, 0, 1, 500);
        group.clock.advance(1_000); // the next check
        group.doWork();
        group.awaitEverywhere(SET, ReplicaSetState::hasMaster, "the returning in-sync replica elected");
        assertEquals(0, group.running().get(0).localState(SET).masterBrokerId());
        assertEquals(3, group.running().get(0).localState(SET).masterEpoch());
    }

    @Test
    void shouldElectUncleanlyWhenAllowedAndNoInSyncReplicaIsAlive() throws Exception
    {
        group = new ControllerGroup(3, directory, builder -> builder.allowUncleanElection(true));
        final ControllerService leader = group.awaitLeader().service();
        registerThree(leader);
        heartbeat(leader, 1, 1, 300);

        final ReplicaSetState unclean = silenceMaster(leader, 300, -1);

        assertEquals(1, unclean.masterBrokerId(), unclean.toString());
    }

    @Test
    void shouldKeepStateAndStillElectWhenLeaderControllerIsKilled() throws Exception
    {
        group = new ControllerGroup(directory);
        final Controller first = group.awaitLeader();
        registerThree(first.service());
        answer(first.service().alterSyncStateSet(new SyncStateSetChange(SET, 0, 1, Set.of(0L, 1L))));
        group.awaitEverywhere(SET, state -> state.syncStateSet().size() == 2, "sync state set replicated");

        group.stop(group.indexOf(first));
        final Controller second = group.awaitLeader();

        assertNotSame(first, second);
        final ReplicaSetState kept = answer(second.service().replicaSet(SET));
        assertEquals(Set.of(0L, 1L), kept.syncStateSet(), kept.toString());
        assertEquals(0, kept.masterBrokerId());
        heartbeat(second.service(), 1, 1, 300);
        final ReplicaSetState elected = silenceMaster(second.service(), 300, -1);
        assertEquals(1, elected.masterBrokerId(), elected.toString());
        assertEquals(2, elected.masterEpoch());
    }

    @Test
    void shouldDecideNothingAndFailClearlyWhenTwoOfThreeControllersAreLost() throws Exception
    {
        group = new ControllerGroup(directory);
        final Controller leader = group.awaitLeader();
        registerThree(leader.service());
        answer(leader.service().alterSyncStateSet(new SyncStateSetChange(SET, 0, 1, Set.of(0L, 1L))));
        heartbeat(leader.service(), 1, 1, 300);
        group.awaitEverywhere(SET, state -> state.syncStateSet().size() == 2, "sync state set replicated");
        for (final Controller follower : group.running())
        {
            if (follower != leader)
            {
                group.stop(group.indexOf(follower));
            }
        }

        final RockletException heartbeatFailure = firstFailure(() -> leader.service().heartbeat(
            new ReplicaHeartbeat(replica(1), 1, 300))); // once its leader lease (< one election timeout) ran out
        group.clock.advance(TIMEOUT_MS + 1);
        group.doWork();
        group.doWork();
        final RockletException readFailure = failure(leader.service().replicaSet(SET));

        assertTrue(Set.of(ErrorCode.NO_QUORUM, ErrorCode.NOT_LEADER).contains(heartbeatFailure.errorCode()),
            heartbeatFailure.toString());
        assertTrue(heartbeatFailure.retriable());
        assertTrue(Set.of(ErrorCode.NO_QUORUM, ErrorCode.NOT_LEADER).contains(readFailure.errorCode()),
            readFailure.toString());
        final ReplicaSetState unchanged = leader.localState(SET);
        assertEquals(0, unchanged.masterBrokerId(), "no master decided without a majority: " + unchanged);
        assertEquals(1, unchanged.masterEpoch());
    }

    @Test
    void shouldKeepStateWhenControllersRestartFromTheirDataDirectories() throws Exception
    {
        group = new ControllerGroup(3, directory, builder -> builder.snapshotThreshold(3));
        final ControllerService leader = group.awaitLeader().service();
        registerThree(leader);
        answer(leader.alterSyncStateSet(new SyncStateSetChange(SET, 0, 1, Set.of(0L, 2L))));
        answer(leader.alterSyncStateSet(new SyncStateSetChange(SET, 0, 1, Set.of(0L, 1L, 2L))));
        group.awaitEverywhere(SET, state -> state.syncStateSetEpoch() == 3, "every change applied everywhere");
        final ReplicaSetState before = answer(leader.replicaSet(SET));

        for (int i = 0; i < 3; i++)
        {
            group.stop(i);
        }
        for (int i = 0; i < 3; i++)
        {
            group.start(i);
        }
        final ReplicaSetState after = answer(group.awaitLeader().service().replicaSet(SET));

        assertEquals(before, after);
    }

    @Test
    void shouldRefuseHeartbeatOfUnregisteredReplicaAndIllegalInput() throws Exception
    {
        group = new ControllerGroup(directory);
        final ControllerService leader = group.awaitLeader().service();

        final RockletException unknown = failure(leader.heartbeat(new ReplicaHeartbeat(replica(0), 0, 0)));
        final RockletException blank = failure(leader.registerReplica(new BrokerIdentity("c", "", 0, "a")));
        final RockletException negative = failure(leader.registerReplica(new BrokerIdentity("c", SET, -1, "a")));

        assertEquals(ErrorCode.REPLICA_SET_NOT_FOUND, unknown.errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, blank.errorCode());
        assertTrue(blank.getMessage().contains("field=brokerName"), blank.getMessage());
        assertTrue(negative.getMessage().contains("field=brokerId"), negative.getMessage());
    }

    @Test
    void shouldAnswerNotLeaderOnFollower() throws Exception
    {
        group = new ControllerGroup(directory);
        final Controller leader = group.awaitLeader();
        final Controller follower = group.running().stream().filter(c -> c != leader).findFirst().orElseThrow();

        final RockletException refused = failure(follower.service().replicaSet(SET));

        assertEquals(ErrorCode.NOT_LEADER, refused.errorCode());
        assertTrue(refused.retriable());
    }

    /** Registers replicas 0 (the first: master, epoch 1), 1 and 2 and checks the first answer. */
    private static void registerThree(final ControllerService leader) throws Exception
    {
        final ReplicaSetState first = answer(leader.registerReplica(replica(0)));
        assertEquals(0, first.masterBrokerId());
        assertEquals(1, first.masterEpoch());
        answer(leader.registerReplica(replica(1)));
        final ReplicaSetState all = answer(leader.registerReplica(replica(2)));
        assertEquals(3, all.replicas().size(), all.toString());
    }

    /**
     * Moves the clock past the heartbeat timeout in steps while replicas 1 and 2 heartbeat (when their offsets are
     * not negative) and the master does not; waits for the master change on every controller.
     */
    private ReplicaSetState silenceMaster(final ControllerService leader, final long offset1, final long offset2)
        throws Exception
    {
        final long epoch = answer(leader.replicaSet(SET)).masterEpoch();
        for (long waited = 0; waited <= TIMEOUT_MS; waited += 1_000)
        {
            group.clock.advance(1_000);
            if (offset1 >= 0)
            {
                heartbeat(leader, 1, epoch, offset1);
            }
            if (offset2 >= 0)
            {
                heartbeat(leader, 2, epoch, offset2);
            }
            group.doWork();
        }
        group.awaitEverywhere(SET, state -> state.masterEpoch() > epoch, "a master change after epoch " + epoch);
        return answer(leader.replicaSet(SET));
    }

    private static ReplicaSetState heartbeat(final ControllerService leader, final long id, final long epoch,
        final long offset) throws Exception
    {
        return answer(leader.heartbeat(new ReplicaHeartbeat(replica(id), epoch, offset)));
    }

    private static BrokerIdentity replica(final long id)
    {
        return new BrokerIdentity("cluster-1", SET, id, "addr-" + id);
    }

    /** Repeats a call until it fails (a leader's lease outlives its majority by less than an election timeout). */
    private static RockletException firstFailure(final java.util.function.Supplier<CompletableFuture<?>> call)
    {
        final RockletException[] failure = new RockletException[1];
        io.rocklet.testing.Await.until(() ->
        {
            try
            {
                call.get().get(20, TimeUnit.SECONDS);
                return false;
            }
            catch (final ExecutionException e)
            {
                failure[0] = assertInstanceOf(RockletException.class, e.getCause());
                return true;
            }
            catch (final Exception e)
            {
                throw new AssertionError(e);
            }
        }, ControllerGroup.WAIT, "a call failing without a majority");
        return failure[0];
    }

    static <T> T answer(final CompletableFuture<T> future) throws Exception
    {
        return future.get(20, TimeUnit.SECONDS);
    }

    static RockletException failure(final CompletableFuture<?> future) throws Exception
    {
        try
        {
            fail("expected a failure, got " + future.get(20, TimeUnit.SECONDS));
            return null;
        }
        catch (final ExecutionException e)
        {
            return assertInstanceOf(RockletException.class, e.getCause());
        }
    }
}

package io.rocklet.controller;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.controller.Command.AlterSyncStateSet;
import io.rocklet.controller.Command.Announce;
import io.rocklet.controller.Command.Elect;
import io.rocklet.controller.Command.Register;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ReplicaSetsTest
{
    private final ReplicaSets sets = new ReplicaSets();

    @Test
    void shouldMakeFirstReplicaMasterWithEpochOneWhenReplicaSetIsNew()
    {
        final ReplicaSetState first = sets.apply(new Register("c", "b", 3, "addr-3"));
        final ReplicaSetState second = sets.apply(new Register("c", "b", 4, "addr-4"));

        assertEquals(3, first.masterBrokerId());
        assertEquals(1, first.masterEpoch());
        assertEquals(Set.of(3L), first.syncStateSet());
        assertEquals(3, second.masterBrokerId(), "a later replica joins as a slave");
        assertEquals(2, second.replicas().size());
    }

    @Test
    void shouldRefuseRegistrationWhenReplicaSetBelongsToAnotherCluster()
    {
        sets.apply(new Register("c1", "b", 0, "a"));

        final RockletException e = assertThrows(RockletException.class,
            () -> sets.apply(new Register("c2", "b", 1, "a1")));

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        assertTrue(e.getMessage().contains("cluster=c1"), e.getMessage());
    }

    @Test
    void shouldRefuseElectionWhenDecidedOnAnOlderEpoch()
    {
        sets.apply(new Register("c", "b", 0, "a0"));
        sets.apply(new Register("c", "b", 1, "a1"));
        sets.apply(new Elect("b", 1, 1));

        final RockletException e = assertThrows(RockletException.class, () -> sets.apply(new Elect("b", 1, 0)));

        assertEquals(ErrorCode.STALE_EPOCH, e.errorCode());
        assertEquals(1, sets.get("b").masterBrokerId());
        assertEquals(2, sets.get("b").masterEpoch());
    }

    @Test
    void shouldKeepSyncStateSetWhenNoMasterIsElected()
    {
        sets.apply(new Register("c", "b", 0, "a0"));
        sets.apply(new Register("c", "b", 1, "a1"));
        sets.apply(new AlterSyncStateSet("b", 0, 1, Set.of(0L, 1L)));

        final ReplicaSetState none = sets.apply(new Elect("b", 1, ControllerService.NO_MASTER));

        assertFalse(none.hasMaster());
        assertEquals("", none.masterAddress());
        assertEquals(2, none.masterEpoch());
        assertEquals(Set.of(0L, 1L), none.syncStateSet());
    }

    @Test
    void shouldRefuseSyncStateSetWhenNotFromCurrentMasterOrWithoutIt()
    {
        sets.apply(new Register("c", "b", 0, "a0"));
        sets.apply(new Register("c", "b", 1, "a1"));

        final RockletException fromSlave = assertThrows(RockletException.class,
            () -> sets.apply(new AlterSyncStateSet("b", 1, 1, Set.of(1L))));
        final RockletException withoutMaster = assertThrows(RockletException.class,
            () -> sets.apply(new AlterSyncStateSet("b", 0, 1, Set.of(1L))));
        final RockletException unknown = assertThrows(RockletException.class,
            () -> sets.apply(new AlterSyncStateSet("b", 0, 1, Set.of(0L, 7L))));
        final RockletException missing = assertThrows(RockletException.class,
            () -> sets.apply(new AlterSyncStateSet("x", 0, 1, Set.of(0L))));

        assertEquals(ErrorCode.STALE_EPOCH, fromSlave.errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, withoutMaster.errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, unknown.errorCode());
        assertEquals(ErrorCode.REPLICA_SET_NOT_FOUND, missing.errorCode());
    }

    @Test
    void shouldRestoreStateWhenSnapshotIsReadBack() throws IOException
    {
        sets.apply(new Register("c", "b", 0, "a0"));
        sets.apply(new Register("c", "b", 1, "a1"));
        sets.apply(new AlterSyncStateSet("b", 0, 1, Set.of(0L, 1L)));
        sets.apply(new Register("c", "other", 5, "a5"));
        sets.apply(new Announce("c1", "local://controller-1"));

        final ReplicaSets copy = new ReplicaSets();
        copy.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot())));

        assertEquals(sets.get("b"), copy.get("b"));
        assertEquals(sets.get("other"), copy.get("other"));
        assertEquals("local://controller-1", copy.controllerAddress("c1"));
    }

    @Test
    void shouldFailToReadWhenSnapshotIsTruncated() throws IOException
    {
        sets.apply(new Register("c", "b", 0, "a0"));
        final byte[] whole = snapshot();

        for (int length = 0; length < whole.length; length++)
        {
            final byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(IOException.class, () -> new ReplicaSets().readSnapshot(
                new DataInputStream(new ByteArrayInputStream(cut))), "length=" + length);
        }
    }

    @Test
    void shouldCarryRefusalCodeAndMessageWhenAnswerIsDecoded()
    {
        final RockletException refused = new RockletException(ErrorCode.STALE_EPOCH, "old: epoch=1");

        final RockletException decoded = assertThrows(RockletException.class,
            () -> ReplicaSets.answer(ReplicaSets.error(refused)));
        final ReplicaSetState state = sets.apply(new Register("c", "b", 0, "a0"));

        assertEquals(ErrorCode.STALE_EPOCH, decoded.errorCode());
        assertEquals("old: epoch=1", decoded.getMessage());
        assertEquals(state, ReplicaSets.answer(ReplicaSets.ok(state)));
        assertNull(ReplicaSets.answer(ReplicaSets.ok(null)));
    }

    @Test
    void shouldDecodeEveryCommandItEncodes()
    {
        for (final Command command : new Command[] {new Register("c", "b", 1, "a"), new Elect("b", 4, -1),
            new AlterSyncStateSet("b", 0, 3, Set.of(0L, 2L)), new Announce("c0", "grpc://h:1"),
            new Command.Query("b")})
        {
            assertEquals(command, Command.decode(Command.encode(command)));
        }
        assertEquals(ErrorCode.INTERNAL_ERROR, assertThrows(RockletException.class,
            () -> Command.decode(new byte[] {99})).errorCode());
    }

    private byte[] snapshot() throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            sets.writeSnapshot(out);
        }
        return bytes.toByteArray();
    }
}

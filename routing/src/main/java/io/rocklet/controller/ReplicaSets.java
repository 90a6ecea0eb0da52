package io.rocklet.controller;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.controller.Command.AlterSyncStateSet;
import io.rocklet.controller.Command.Announce;
import io.rocklet.controller.Command.Elect;
import io.rocklet.controller.Command.Register;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controllers' replicated state: every replica set's {@link ReplicaSetState} and every controller's service
 * address. Changed only by {@link #apply} on Raft's apply thread (the owner), in log order; read from any thread
 * (the values are immutable records in concurrent maps).
 *
 * <p>Snapshot and answer format ({@link DataOutputStream}): a replica set is cluster, brokerName (UTF), replica count
 * (int) then per replica id (long) and address (UTF), masterBrokerId, masterEpoch (long), sync-set size (int) then
 * ids (long), syncStateSetEpoch (long). A snapshot is a version (int, {@value #SNAPSHOT_VERSION}), the replica-set
 * count (int) and the sets, then the controller-address count (int) and id, address pairs (UTF). An answer is
 * 0 and a replica set, or 1, an error code name and a message (UTF).
 */
final class ReplicaSets
{
    static final int SNAPSHOT_VERSION = 1;
    private static final byte OK = 0;
    private static final byte ERROR = 1;

    private final ConcurrentHashMap<String, ReplicaSetState> sets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> controllerAddresses = new ConcurrentHashMap<>();

    /**
     * @return the replica set, or null when no replica of it registered.
     */
    ReplicaSetState get(final String brokerName)
    {
        return sets.get(brokerName);
    }

    /**
     * @return every replica set (a copy).
     */
    List<ReplicaSetState> all()
    {
        return List.copyOf(sets.values());
    }

    /**
     * @return the service address a controller announced, or {@code ""}.
     */
    String controllerAddress(final String controllerId)
    {
        return controllerAddresses.getOrDefault(controllerId, "");
    }

    /**
     * Applies a decision; the caller encodes the outcome as the answer.
     *
     * @return the replica set after the command (null for an announcement).
     * @throws RockletException STALE_EPOCH, INVALID_ARGUMENT or REPLICA_SET_NOT_FOUND when the command is refused
     *                          (the state is unchanged).
     */
    ReplicaSetState apply(final Command command)
    {
        if (command instanceof Register register)
        {
            return register(register);
        }
        if (command instanceof Elect elect)
        {
            return elect(elect);
        }
        if (command instanceof AlterSyncStateSet alter)
        {
            return alterSyncStateSet(alter);
        }
        if (command instanceof Announce announce)
        {
            controllerAddresses.put(announce.controllerId(), announce.serviceAddress());
            return null;
        }
        throw new RockletException(ErrorCode.INTERNAL_ERROR, "not a replicated command: command=" + command);
    }

    private ReplicaSetState register(final Register r)
    {
        final ReplicaSetState current = sets.get(r.brokerName());
        if (current == null)
        {
            final ReplicaSetState created = new ReplicaSetState(r.clusterName(), r.brokerName(),
                Map.of(r.brokerId(), r.address()), r.brokerId(), 1, Set.of(r.brokerId()), 1);
            sets.put(r.brokerName(), created);
            return created;
        }
        if (!current.clusterName().equals(r.clusterName()))
        {
            throw new InvalidArgumentException("replica set belongs to another cluster: brokerName=" + r.brokerName() +
                ", cluster=" + current.clusterName() + ", requested cluster=" + r.clusterName());
        }
        final Map<Long, String> replicas = new HashMap<>(current.replicas());
        replicas.put(r.brokerId(), r.address());
        final boolean firstMaster = !current.hasMaster() && current.masterEpoch() == 0;
        final ReplicaSetState updated = new ReplicaSetState(current.clusterName(), current.brokerName(), replicas,
            firstMaster ? r.brokerId() : current.masterBrokerId(), firstMaster ? 1 : current.masterEpoch(),
            firstMaster ? Set.of(r.brokerId()) : current.syncStateSet(),
            firstMaster ? current.syncStateSetEpoch() + 1 : current.syncStateSetEpoch());
        sets.put(r.brokerName(), updated);
        return updated;
    }

    private ReplicaSetState elect(final Elect e)
    {
        final ReplicaSetState current = existing(e.brokerName());
        if (current.masterEpoch() != e.expectedEpoch())
        {
            throw new RockletException(ErrorCode.STALE_EPOCH, "election decided on an old state: brokerName=" +
                e.brokerName() + ", expectedEpoch=" + e.expectedEpoch() + ", masterEpoch=" + current.masterEpoch());
        }
        final boolean none = e.newMasterId() == ControllerService.NO_MASTER;
        if (!none && !current.replicas().containsKey(e.newMasterId()))
        {
            throw new InvalidArgumentException("cannot elect an unknown replica: brokerName=" + e.brokerName() +
                ", brokerId=" + e.newMasterId() + ", replicas=" + new TreeMap<>(current.replicas()).keySet());
        }
        final ReplicaSetState updated = new ReplicaSetState(current.clusterName(), current.brokerName(),
            current.replicas(), e.newMasterId(), current.masterEpoch() + 1,
            none ? current.syncStateSet() : Set.of(e.newMasterId()),
            none ? current.syncStateSetEpoch() : current.syncStateSetEpoch() + 1);
        sets.put(e.brokerName(), updated);
        return updated;
    }

    private ReplicaSetState alterSyncStateSet(final AlterSyncStateSet a)
    {
        final ReplicaSetState current = existing(a.brokerName());
        if (!current.isMaster(a.masterId()) || current.masterEpoch() != a.masterEpoch())
        {
            throw new RockletException(ErrorCode.STALE_EPOCH, "sync state set refused, not from the current master: " +
                "brokerName=" + a.brokerName() + ", brokerId=" + a.masterId() + ", epoch=" + a.masterEpoch() +
                ", master=" + current.masterBrokerId() + ", masterEpoch=" + current.masterEpoch());
        }
        if (!a.ids().contains(a.masterId()) || !current.replicas().keySet().containsAll(a.ids()))
        {
            throw new InvalidArgumentException("illegal sync state set: brokerName=" + a.brokerName() + ", ids=" +
                a.ids() + ", must hold the master " + a.masterId() + " and registered replicas only " +
                new TreeMap<>(current.replicas()).keySet());
        }
        if (a.ids().equals(current.syncStateSet()))
        {
            return current;
        }
        final ReplicaSetState updated = new ReplicaSetState(current.clusterName(), current.brokerName(),
            current.replicas(), current.masterBrokerId(), current.masterEpoch(), a.ids(),
            current.syncStateSetEpoch() + 1);
        sets.put(a.brokerName(), updated);
        return updated;
    }

    private ReplicaSetState existing(final String brokerName)
    {
        final ReplicaSetState current = sets.get(brokerName);
        if (current == null)
        {
            throw new RockletException(ErrorCode.REPLICA_SET_NOT_FOUND, "no such replica set: brokerName=" +
                brokerName);
        }
        return current;
    }

    /**
     * Writes the whole state (Raft's apply thread, between two commands).
     */
    void writeSnapshot(final DataOutputStream out) throws IOException
    {
        out.writeInt(SNAPSHOT_VERSION);
        final List<ReplicaSetState> all = all();
        out.writeInt(all.size());
        for (final ReplicaSetState state : all)
        {
            writeState(out, state);
        }
        final Map<String, String> addresses = new HashMap<>(controllerAddresses);
        out.writeInt(addresses.size());
        for (final Map.Entry<String, String> entry : addresses.entrySet())
        {
            out.writeUTF(entry.getKey());
            out.writeUTF(entry.getValue());
        }
    }

    /**
     * Replaces the whole state with a snapshot's.
     */
    void readSnapshot(final DataInputStream in) throws IOException
    {
        final int version = in.readInt();
        if (version != SNAPSHOT_VERSION)
        {
            throw new IOException("unknown controller snapshot version: version=" + version + ", known=" +
                SNAPSHOT_VERSION);
        }
        sets.clear();
        controllerAddresses.clear();
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final ReplicaSetState state = readState(in);
            sets.put(state.brokerName(), state);
        }
        final int addresses = in.readInt();
        for (int i = 0; i < addresses; i++)
        {
            controllerAddresses.put(in.readUTF(), in.readUTF());
        }
    }

    /**
     * @return the answer of a command that succeeded ({@code state} may be null for an announcement).
     */
    static byte[] ok(final ReplicaSetState state)
    {
        return bytes(out ->
        {
            out.writeByte(OK);
            out.writeBoolean(state != null);
            if (state != null)
            {
                writeState(out, state);
            }
        });
    }

    /**
     * @return the answer of a refused command.
     */
    static byte[] error(final RockletException error)
    {
        return bytes(out ->
        {
            out.writeByte(ERROR);
            out.writeUTF(error.errorCode().name());
            out.writeUTF(String.valueOf(error.getMessage()));
        });
    }

    /**
     * @return the replica set an answer carries (null for an announcement).
     * @throws RockletException the refusal the answer carries, with its code and message.
     */
    static ReplicaSetState answer(final byte[] answer)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer)))
        {
            if (in.readByte() == OK)
            {
                return in.readBoolean() ? readState(in) : null;
            }
            final ErrorCode code = ErrorCode.valueOf(in.readUTF());
            final String message = in.readUTF();
            throw code == ErrorCode.INVALID_ARGUMENT ? new InvalidArgumentException(message) :
                new RockletException(code, message);
        }
        catch (final IOException | IllegalArgumentException e)
        {
            throw new RockletException(ErrorCode.INTERNAL_ERROR, "malformed controller answer: bytes=" +
                answer.length, e);
        }
    }

    private static void writeState(final DataOutputStream out, final ReplicaSetState state) throws IOException
    {
        out.writeUTF(state.clusterName());
        out.writeUTF(state.brokerName());
        out.writeInt(state.replicas().size());
        for (final Map.Entry<Long, String> replica : new TreeMap<>(state.replicas()).entrySet())
        {
            out.writeLong(replica.getKey());
            out.writeUTF(replica.getValue());
        }
        out.writeLong(state.masterBrokerId());
        out.writeLong(state.masterEpoch());
        out.writeInt(state.syncStateSet().size());
        for (final long id : state.syncStateSet())
        {
            out.writeLong(id);
        }
        out.writeLong(state.syncStateSetEpoch());
    }

    private static ReplicaSetState readState(final DataInputStream in) throws IOException
    {
        final String cluster = in.readUTF();
        final String brokerName = in.readUTF();
        final int replicaCount = in.readInt();
        final Map<Long, String> replicas = new HashMap<>();
        for (int i = 0; i < replicaCount; i++)
        {
            replicas.put(in.readLong(), in.readUTF());
        }
        final long master = in.readLong();
        final long epoch = in.readLong();
        final int syncCount = in.readInt();
        final Set<Long> sync = new HashSet<>();
        for (int i = 0; i < syncCount; i++)
        {
            sync.add(in.readLong());
        }
        return new ReplicaSetState(cluster, brokerName, replicas, master, epoch, sync, in.readLong());
    }

    /** Writes to a data output. */
    private interface Writer
    {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(final Writer writer)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            writer.write(out);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot encode a controller answer", e);
        }
        return bytes.toByteArray();
    }
}

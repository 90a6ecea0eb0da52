package io.rocklet.controller;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * A decision the controllers replicate through Raft (the log entries), or a query read from the state machine.
 * Encoded as a type byte then the fields in order ({@link DataOutputStream}: strings as modified UTF-8, numbers
 * big-endian). Applying a command is deterministic: {@link ReplicaSets#apply} checks it against the state at its
 * place in the log, so two controllers never decide differently.
 */
sealed interface Command
{
    byte REGISTER = 1;
    byte ELECT = 2;
    byte ALTER_SYNC_STATE_SET = 3;
    byte ANNOUNCE = 4;
    byte QUERY = 10;

    /** Adds or updates a replica. */
    record Register(String clusterName, String brokerName, long brokerId, String address) implements Command
    {
    }

    /**
     * Makes {@code newMasterId} the master (or none: {@link io.rocklet.api.spi.ControllerService#NO_MASTER}) if the
     * replica set's epoch is still {@code expectedEpoch} (the leader decided on that state).
     */
    record Elect(String brokerName, long expectedEpoch, long newMasterId) implements Command
    {
    }

    /** The master's in-sync replicas. */
    record AlterSyncStateSet(String brokerName, long masterId, long masterEpoch, Set<Long> ids) implements Command
    {
        public AlterSyncStateSet
        {
            ids = Set.copyOf(ids);
        }
    }

    /** A controller's service address, so that followers can name the leader's. */
    record Announce(String controllerId, String serviceAddress) implements Command
    {
    }

    /** Read-only: a replica set's state. */
    record Query(String brokerName) implements Command
    {
    }

    static byte[] encode(final Command command)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            if (command instanceof Register r)
            {
                out.writeByte(REGISTER);
                out.writeUTF(r.clusterName());
                out.writeUTF(r.brokerName());
                out.writeLong(r.brokerId());
                out.writeUTF(r.address());
            }
            else if (command instanceof Elect e)
            {
                out.writeByte(ELECT);
                out.writeUTF(e.brokerName());
                out.writeLong(e.expectedEpoch());
                out.writeLong(e.newMasterId());
            }
            else if (command instanceof AlterSyncStateSet a)
            {
                out.writeByte(ALTER_SYNC_STATE_SET);
                out.writeUTF(a.brokerName());
                out.writeLong(a.masterId());
                out.writeLong(a.masterEpoch());
                out.writeInt(a.ids().size());
                for (final long id : a.ids())
                {
                    out.writeLong(id);
                }
            }
            else if (command instanceof Announce a)
            {
                out.writeByte(ANNOUNCE);
                out.writeUTF(a.controllerId());
                out.writeUTF(a.serviceAddress());
            }
            else
            {
                out.writeByte(QUERY);
                out.writeUTF(((Query)command).brokerName());
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot encode a controller command: command=" + command, e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws RockletException INTERNAL_ERROR for bytes no controller wrote (another version, damage).
     */
    static Command decode(final byte[] bytes)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes)))
        {
            final byte type = in.readByte();
            return switch (type)
            {
                case REGISTER -> new Register(in.readUTF(), in.readUTF(), in.readLong(), in.readUTF());
                case ELECT -> new Elect(in.readUTF(), in.readLong(), in.readLong());
                case ALTER_SYNC_STATE_SET ->
                {
                    final String brokerName = in.readUTF();
                    final long masterId = in.readLong();
                    final long masterEpoch = in.readLong();
                    final int count = in.readInt();
                    final Set<Long> ids = new HashSet<>();
                    for (int i = 0; i < count; i++)
                    {
                        ids.add(in.readLong());
                    }
                    yield new AlterSyncStateSet(brokerName, masterId, masterEpoch, ids);
                }
                case ANNOUNCE -> new Announce(in.readUTF(), in.readUTF());
                case QUERY -> new Query(in.readUTF());
                default -> throw new RockletException(ErrorCode.INTERNAL_ERROR,
                    "unknown controller command: type=" + type + ", bytes=" + bytes.length);
            };
        }
        catch (final IOException e)
        {
            throw new RockletException(ErrorCode.INTERNAL_ERROR, "malformed controller command: bytes=" +
                bytes.length, e);
        }
    }
}

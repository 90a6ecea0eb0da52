package io.rocklet.controller;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.controller.Command.Query;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;

/**
 * The Raft state machine of the controllers: applies {@link Command}s to {@link ReplicaSets} in log order and answers
 * with {@link ReplicaSets#ok} or {@link ReplicaSets#error}; a refused command is still a log entry, applied as a
 * no-op, so every controller refuses it alike. Snapshots are one file per snapshot in Raft's
 * {@code <data>/<group>/sm} directory (format: {@link ReplicaSets}), written with an MD5 file beside it, taken every
 * {@link ControllerConfig#snapshotThreshold()} entries; a restart loads the latest and Raft replays the log after it.
 * Applied on Raft's state-machine updater thread.
 */
final class ControllerStateMachine extends BaseStateMachine
{
    private static final Logger LOG = LoggerFactory.getLogger(ControllerStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final ReplicaSets sets;
    private final String controllerId;

    ControllerStateMachine(final ReplicaSets sets, final String controllerId)
    {
        this.sets = sets;
        this.controllerId = controllerId;
    }

    @Override
    public void initialize(final RaftServer server, final RaftGroupId groupId, final RaftStorage raftStorage)
        throws IOException
    {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        load(storage.loadLatestSnapshot());
    }

    @Override
    public void reinitialize() throws IOException
    {
        load(storage.loadLatestSnapshot());
    }

    @Override
    public StateMachineStorage getStateMachineStorage()
    {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(final TransactionContext transaction)
    {
        final LogEntryProto entry = transaction.getLogEntry();
        final byte[] bytes = entry.getStateMachineLogEntry().getLogData().toByteArray();
        byte[] answer;
        try
        {
            final ReplicaSetState state = sets.apply(Command.decode(bytes));
            answer = ReplicaSets.ok(state);
        }
        catch (final RockletException e)
        {
            answer = ReplicaSets.error(e);
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(message(answer));
    }

    @Override
    public CompletableFuture<Message> query(final Message request)
    {
        try
        {
            final Command command = Command.decode(request.getContent().toByteArray());
            if (!(command instanceof Query query))
            {
                return CompletableFuture.completedFuture(message(ReplicaSets.error(new RockletException(
                    ErrorCode.INTERNAL_ERROR, "not a query: command=" + command))));
            }
            final ReplicaSetState state = sets.get(query.brokerName());
            return CompletableFuture.completedFuture(message(state != null ? ReplicaSets.ok(state) :
                ReplicaSets.error(new RockletException(ErrorCode.REPLICA_SET_NOT_FOUND,
                "no such replica set: brokerName=" + query.brokerName()))));
        }
        catch (final RockletException e)
        {
            return CompletableFuture.completedFuture(message(ReplicaSets.error(e)));
        }
    }

    @Override
    public long takeSnapshot() throws IOException
    {
        final TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0)
        {
            return -1;
        }
        final File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        final File temporary = new File(file.getParentFile(), file.getName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
            Files.newOutputStream(temporary.toPath()))))
        {
            sets.writeSnapshot(out);
        }
        Files.move(temporary.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        final FileInfo info = new FileInfo(file.toPath(), MD5FileUtil.computeAndSaveMd5ForFile(file));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, last));
        LOG.info("controller snapshot taken: controller={}, term={}, index={}, file={}", controllerId,
            last.getTerm(), last.getIndex(), file);
        return last.getIndex();
    }

    private void load(final SingleFileSnapshotInfo snapshot) throws IOException
    {
        if (snapshot == null)
        {
            return;
        }
        final File file = snapshot.getFile().getPath().toFile();
        if (snapshot.getFile().getFileDigest() != null)
        {
            MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file.toPath()))))
        {
            sets.readSnapshot(in);
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.info("controller snapshot loaded: controller={}, term={}, index={}, replicaSets={}", controllerId,
            snapshot.getTerm(), snapshot.getIndex(), sets.all().size());
    }

    private static Message message(final byte[] bytes)
    {
        return Message.valueOf(ByteString.copyFrom(bytes));
    }
}

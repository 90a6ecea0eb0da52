package io.rocklet.controller;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.controller.Command.AlterSyncStateSet;
import io.rocklet.controller.Command.Elect;
import io.rocklet.controller.Command.Query;
import io.rocklet.controller.Command.Register;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link ControllerService} of one controller: answers only while it is the Raft leader (else NO_QUORUM when it
 * knows no leader, which brokers tell apart from silence to keep their master lease, or NOT_LEADER with
 * the leader's announced address), submits decisions to its own Raft server (they are answered once a majority has
 * them) and reads linearizably (a leader cut off from the majority cannot answer from a stale state). A call that no
 * majority completes within {@link ControllerConfig#requestTimeout()} fails with NO_QUORUM. Thread-safe; calls run on
 * the transport's threads and complete on Raft's.
 */
final class ControllerEndpoint implements ControllerService
{
    private static final Logger LOG = LoggerFactory.getLogger(ControllerEndpoint.class);

    private final ControllerConfig config;
    private final RaftServer server;
    private final RaftGroupId groupId;
    private final RaftPeerId peerId;
    private final ReplicaSets sets;
    private final Liveness liveness;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private volatile boolean closed;

    ControllerEndpoint(final ControllerConfig config, final RaftServer server, final RaftGroupId groupId,
        final ReplicaSets sets, final Liveness liveness)
    {
        this.config = config;
        this.server = server;
        this.groupId = groupId;
        this.peerId = RaftPeerId.valueOf(config.id());
        this.sets = sets;
        this.liveness = liveness;
    }

    @Override
    public CompletableFuture<ReplicaSetState> registerReplica(final BrokerIdentity replica)
    {
        return guarded("registerReplica", () ->
        {
            checkReplica(replica, "registerReplica");
            if (replica.clusterName() == null || replica.clusterName().isBlank())
            {
                throw invalid("registerReplica", "clusterName", replica.clusterName());
            }
            return submit(new Register(replica.clusterName(), replica.brokerName(), replica.brokerId(),
                replica.address()));
        });
    }

    @Override
    public CompletableFuture<ReplicaSetState> heartbeat(final ReplicaHeartbeat heartbeat)
    {
        return guarded("heartbeat", () ->
        {
            if (heartbeat == null)
            {
                throw invalid("heartbeat", "heartbeat", null);
            }
            final BrokerIdentity replica = heartbeat.broker();
            checkReplica(replica, "heartbeat");
            final ReplicaSetState state = sets.get(replica.brokerName());
            if (state == null || !state.replicas().containsKey(replica.brokerId()))
            {
                throw new RockletException(ErrorCode.REPLICA_SET_NOT_FOUND, "heartbeat of an unregistered replica, " +
                    "register it first: brokerName=" + replica.brokerName() + ", brokerId=" + replica.brokerId());
            }
            liveness.heartbeat(replica.brokerName(), replica.brokerId(), config.clock().time(), heartbeat.epoch(),
                heartbeat.maxLogOffset());
            return read(replica.brokerName());
        });
    }

    @Override
    public CompletableFuture<ReplicaSetState> alterSyncStateSet(final SyncStateSetChange change)
    {
        return guarded("alterSyncStateSet", () ->
        {
            if (change == null || change.brokerName() == null || change.brokerName().isBlank())
            {
                throw invalid("alterSyncStateSet", "brokerName", change == null ? null : change.brokerName());
            }
            return submit(new AlterSyncStateSet(change.brokerName(), change.masterBrokerId(), change.masterEpoch(),
                change.syncStateSet()));
        });
    }

    @Override
    public CompletableFuture<ReplicaSetState> replicaSet(final String brokerName)
    {
        return guarded("replicaSet", () -> read(checkBrokerName(brokerName, "replicaSet")));
    }

    @Override
    public CompletableFuture<ReplicaSetState> electMaster(final String brokerName)
    {
        return guarded("electMaster", () ->
        {
            final ReplicaSetState state = sets.get(checkBrokerName(brokerName, "electMaster"));
            if (state == null)
            {
                throw new RockletException(ErrorCode.REPLICA_SET_NOT_FOUND, "no such replica set: brokerName=" +
                    brokerName);
            }
            final long chosen = liveness.choose(state, state.masterBrokerId(), config.clock().time(), false);
            if (chosen == NO_MASTER)
            {
                LOG.info("master hand-over asked, no other live in-sync replica: controller={}, state={}",
                    config.id(), state);
                return read(brokerName);
            }
            LOG.warn("master hand-over: controller={}, brokerName={}, from={}, to={}, epoch={}", config.id(),
                brokerName, state.masterBrokerId(), chosen, state.masterEpoch() + 1);
            return submit(new Elect(brokerName, state.masterEpoch(), chosen));
        });
    }

    /**
     * @return true while this controller is the leader and has applied its term's first entry.
     */
    boolean leaderReady()
    {
        final DivisionInfo info = info();
        return info != null && info.isLeader() && info.isLeaderReady();
    }

    /**
     * @return this controller's Raft term, or -1 when it cannot tell (closing).
     */
    long term()
    {
        final DivisionInfo info = info();
        return info == null ? -1 : info.getCurrentTerm();
    }

    /**
     * @return the id of the leader as this controller knows it, or null.
     */
    String leaderId()
    {
        final DivisionInfo info = info();
        final RaftPeerId leader = info == null ? null : info.getLeaderId();
        return leader == null ? null : leader.toString();
    }

    /**
     * Replicates a decision.
     *
     * @return the replica set after it, or the refusal (STALE_EPOCH, INVALID_ARGUMENT, ...) as a failed future.
     */
    CompletableFuture<ReplicaSetState> submit(final Command command)
    {
        return send(command, RaftClientRequest.writeRequestType());
    }

    void close()
    {
        closed = true;
    }

    private CompletableFuture<ReplicaSetState> read(final String brokerName)
    {
        return send(new Query(brokerName), RaftClientRequest.readRequestType());
    }

    private CompletableFuture<ReplicaSetState> send(final Command command, final RaftClientRequest.Type type)
    {
        final RaftClientRequest request = RaftClientRequest.newBuilder()
            .setClientId(clientId)
            .setServerId(peerId)
            .setGroupId(groupId)
            .setCallId(callIds.incrementAndGet())
            .setMessage(Message.valueOf(ByteString.copyFrom(Command.encode(command))))
            .setType(type)
            .setTimeoutMs(config.requestTimeout().toMillis())
            .build();
        final CompletableFuture<RaftClientReply> reply;
        try
        {
            reply = server.submitClientRequestAsync(request);
        }
        catch (final IOException e)
        {
            return CompletableFuture.failedFuture(noQuorum(command, e));
        }
        return reply.orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .handle((answer, error) ->
            {
                if (error != null)
                {
                    throw failure(command, error);
                }
                if (!answer.isSuccess())
                {
                    throw failure(command, answer.getException());
                }
                return ReplicaSets.answer(answer.getMessage().getContent().toByteArray());
            });
    }

    private RockletException failure(final Command command, final Throwable error)
    {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        if (cause instanceof RockletException rocklet)
        {
            return rocklet;
        }
        if (cause instanceof NotLeaderException notLeader && notLeader.getSuggestedLeader() == null)
        {
            return noQuorum(command, cause); // stepped down (lost its majority) and knows no other leader
        }
        if (cause instanceof NotLeaderException notLeader)
        {
            final String leader = notLeader.getSuggestedLeader() == null ? "" :
                sets.controllerAddress(notLeader.getSuggestedLeader().getId().toString());
            return new io.rocklet.api.NotLeaderException("controller lost its leadership: controller=" +
                config.id() + ", command=" + command, leader);
        }
        if (cause instanceof LeaderNotReadyException)
        {
            return new io.rocklet.api.NotLeaderException("controller leader not ready yet: controller=" +
                config.id(), "");
        }
        return noQuorum(command, cause);
    }

    private RockletException noQuorum(final Command command, final Throwable cause)
    {
        final String why = cause instanceof TimeoutException ? "no majority answered within requestTimeout=" +
            config.requestTimeout().toMillis() + "ms" : cause instanceof RaftException ? cause.toString() :
            String.valueOf(cause);
        return new RockletException(ErrorCode.NO_QUORUM, "controller decision failed, the controllers have no " +
            "quorum: controller=" + config.id() + ", command=" + command + ", cause=" + why, cause);
    }

    /** A call that may throw before it has a future. */
    private interface Call
    {
        CompletableFuture<ReplicaSetState> run();
    }

    private CompletableFuture<ReplicaSetState> guarded(final String operation, final Call call)
    {
        try
        {
            if (closed)
            {
                throw new ClosedException("controller closed: controller=" + config.id() + ", operation=" +
                    operation);
            }
            if (!leaderReady())
            {
                final String leader = leaderId();
                if (leader == null)
                {
                    // distinct from "not the leader": brokers keep their master lease on it (no leader, no election)
                    throw new RockletException(ErrorCode.NO_QUORUM, "controller knows no leader (an election is " +
                        "running, or no majority of controllers is alive): controller=" + config.id() +
                        ", operation=" + operation);
                }
                final String address = leader == null || leader.equals(config.id()) ? "" :
                    sets.controllerAddress(leader);
                throw new io.rocklet.api.NotLeaderException("controller is not the leader: controller=" +
                    config.id() + ", operation=" + operation + ", leader=" + (leader == null ? "unknown" : leader) +
                    ", leaderAddress=" + address, address);
            }
            return call.run();
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(e);
        }
    }

    private DivisionInfo info()
    {
        try
        {
            return server.getDivision(groupId).getInfo();
        }
        catch (final IOException | RuntimeException e)
        {
            return null;
        }
    }

    private void checkReplica(final BrokerIdentity replica, final String operation)
    {
        if (replica == null)
        {
            throw invalid(operation, "broker", null);
        }
        checkBrokerName(replica.brokerName(), operation);
        if (replica.brokerId() < 0)
        {
            throw invalid(operation, "brokerId", replica.brokerId());
        }
        if (replica.address() == null || replica.address().isBlank())
        {
            throw invalid(operation, "address", replica.address());
        }
    }

    private String checkBrokerName(final String brokerName, final String operation)
    {
        if (brokerName == null || brokerName.isBlank())
        {
            throw invalid(operation, "brokerName", brokerName);
        }
        return brokerName;
    }

    private InvalidArgumentException invalid(final String operation, final String field, final Object value)
    {
        return new InvalidArgumentException("illegal controller request: operation=" + operation + ", field=" +
            field + ", value=" + value);
    }
}

package io.rocklet.transport.grpc;

import io.rocklet.api.spi.ControllerService.ReplicaHeartbeat;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.ControllerService.SyncStateSetChange;
import io.rocklet.transport.grpc.proto.ControllerProto;

import java.util.HashSet;

import static io.rocklet.transport.grpc.CommonCodec.brokerIdentity;
import static io.rocklet.transport.grpc.CommonCodec.required;
import static io.rocklet.transport.grpc.CommonCodec.text;

/**
 * Converts the records of {@link io.rocklet.api.spi.ControllerService} to and from their protobuf form, one pair per
 * record. Stateless.
 */
final class ControllerCodec
{
    private ControllerCodec()
    {
    }

    static ControllerProto.ReplicaHeartbeat heartbeat(final ReplicaHeartbeat heartbeat)
    {
        return ControllerProto.ReplicaHeartbeat.newBuilder()
            .setBroker(brokerIdentity(heartbeat.broker()))
            .setEpoch(heartbeat.epoch())
            .setMaxLogOffset(heartbeat.maxLogOffset())
            .build();
    }

    static ReplicaHeartbeat heartbeat(final ControllerProto.ReplicaHeartbeat heartbeat)
    {
        return new ReplicaHeartbeat(brokerIdentity(required(heartbeat.hasBroker(), heartbeat.getBroker(),
            "ReplicaHeartbeat.broker")), heartbeat.getEpoch(), heartbeat.getMaxLogOffset());
    }

    static ControllerProto.SyncStateSetChange change(final SyncStateSetChange change)
    {
        return ControllerProto.SyncStateSetChange.newBuilder()
            .setBrokerName(text(change.brokerName()))
            .setMasterBrokerId(change.masterBrokerId())
            .setMasterEpoch(change.masterEpoch())
            .addAllSyncStateSet(change.syncStateSet())
            .build();
    }

    static SyncStateSetChange change(final ControllerProto.SyncStateSetChange change)
    {
        return new SyncStateSetChange(change.getBrokerName(), change.getMasterBrokerId(), change.getMasterEpoch(),
            new HashSet<>(change.getSyncStateSetList()));
    }

    static ControllerProto.ReplicaSetRequest request(final String brokerName)
    {
        return ControllerProto.ReplicaSetRequest.newBuilder().setBrokerName(text(brokerName)).build();
    }

    static ControllerProto.ReplicaSetState state(final ReplicaSetState state)
    {
        return ControllerProto.ReplicaSetState.newBuilder()
            .setClusterName(text(state.clusterName()))
            .setBrokerName(text(state.brokerName()))
            .putAllReplicas(state.replicas())
            .setMasterBrokerId(state.masterBrokerId())
            .setMasterEpoch(state.masterEpoch())
            .addAllSyncStateSet(state.syncStateSet())
            .setSyncStateSetEpoch(state.syncStateSetEpoch())
            .build();
    }

    static ReplicaSetState state(final ControllerProto.ReplicaSetState state)
    {
        return new ReplicaSetState(state.getClusterName(), state.getBrokerName(), state.getReplicasMap(),
            state.getMasterBrokerId(), state.getMasterEpoch(), new HashSet<>(state.getSyncStateSetList()),
            state.getSyncStateSetEpoch());
    }
}

package io.rocklet.transport.grpc;

import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.transport.grpc.proto.ControllerGrpc;

import java.util.concurrent.CompletableFuture;

/**
 * A failover controller reached over gRPC: each method is one unary call on the address's shared
 * {@link PeerChannel}, with the transport's call timeout as deadline. Thread-safe.
 */
final class GrpcControllerStub implements ControllerService
{
    private final PeerChannel peer;
    private final long timeoutMs;

    GrpcControllerStub(final PeerChannel peer, final long timeoutMs)
    {
        this.peer = peer;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<ReplicaSetState> registerReplica(final BrokerIdentity replica)
    {
        return peer.unary(ControllerGrpc.getRegisterReplicaMethod(), () -> CommonCodec.brokerIdentity(replica),
            ControllerCodec::state, timeoutMs);
    }

    @Override
    public CompletableFuture<ReplicaSetState> heartbeat(final ReplicaHeartbeat heartbeat)
    {
        return peer.unary(ControllerGrpc.getHeartbeatMethod(), () -> ControllerCodec.heartbeat(heartbeat),
            ControllerCodec::state, timeoutMs);
    }

    @Override
    public CompletableFuture<ReplicaSetState> alterSyncStateSet(final SyncStateSetChange change)
    {
        return peer.unary(ControllerGrpc.getAlterSyncStateSetMethod(), () -> ControllerCodec.change(change),
            ControllerCodec::state, timeoutMs);
    }

    @Override
    public CompletableFuture<ReplicaSetState> replicaSet(final String brokerName)
    {
        return peer.unary(ControllerGrpc.getReplicaSetMethod(), () -> ControllerCodec.request(brokerName),
            ControllerCodec::state, timeoutMs);
    }

    @Override
    public CompletableFuture<ReplicaSetState> electMaster(final String brokerName)
    {
        return peer.unary(ControllerGrpc.getElectMasterMethod(), () -> ControllerCodec.request(brokerName),
            ControllerCodec::state, timeoutMs);
    }

    @Override
    public String toString()
    {
        return "GrpcControllerStub{" + peer.address() + '}';
    }
}

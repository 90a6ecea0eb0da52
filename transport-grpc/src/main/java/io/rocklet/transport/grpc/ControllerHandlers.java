package io.rocklet.transport.grpc;

import io.grpc.ServerServiceDefinition;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.transport.grpc.proto.ControllerGrpc;

/**
 * Serves a {@link ControllerService} as the gRPC service {@code rocklet.v1.Controller}: one line per rpc. A
 * NOT_LEADER failure carries the leader's address in a trailer ({@link StatusErrors}). Thread-safe.
 */
final class ControllerHandlers
{
    private ControllerHandlers()
    {
    }

    static ServerServiceDefinition definition(final ControllerService controller)
    {
        return new ServiceBinder(ControllerGrpc.getServiceDescriptor())
            .unary(ControllerGrpc.getRegisterReplicaMethod(),
                request -> controller.registerReplica(CommonCodec.brokerIdentity(request)), ControllerCodec::state)
            .unary(ControllerGrpc.getHeartbeatMethod(),
                request -> controller.heartbeat(ControllerCodec.heartbeat(request)), ControllerCodec::state)
            .unary(ControllerGrpc.getAlterSyncStateSetMethod(),
                request -> controller.alterSyncStateSet(ControllerCodec.change(request)), ControllerCodec::state)
            .unary(ControllerGrpc.getReplicaSetMethod(),
                request -> controller.replicaSet(request.getBrokerName()), ControllerCodec::state)
            .unary(ControllerGrpc.getElectMasterMethod(),
                request -> controller.electMaster(request.getBrokerName()), ControllerCodec::state)
            .build();
    }
}

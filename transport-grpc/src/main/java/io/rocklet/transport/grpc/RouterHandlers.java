package io.rocklet.transport.grpc;

import io.grpc.ServerServiceDefinition;
import io.rocklet.api.spi.RouterService;
import io.rocklet.transport.grpc.proto.RouterGrpc;

import static io.rocklet.transport.grpc.CommonCodec.EMPTY;

/**
 * Serves a {@link RouterService} as the gRPC service {@code rocklet.v1.Router}: one line per rpc. Stateless.
 */
final class RouterHandlers
{
    private RouterHandlers()
    {
    }

    static ServerServiceDefinition definition(final RouterService router)
    {
        return new ServiceBinder(RouterGrpc.getServiceDescriptor())
            .unary(RouterGrpc.getRegisterBrokerMethod(),
                request -> router.registerBroker(RouterCodec.registration(request)), RouterCodec::registrationResult)
            .unary(RouterGrpc.getUnregisterBrokerMethod(),
                request -> router.unregisterBroker(CommonCodec.brokerIdentity(request)), done -> EMPTY)
            .unary(RouterGrpc.getQueryRouteMethod(),
                request -> router.queryRoute(request.getTopic()), RouterCodec::topicRoute)
            .unary(RouterGrpc.getClusterInfoMethod(),
                request -> router.clusterInfo(), RouterCodec::clusterInfo)
            .unary(RouterGrpc.getRegisteredBrokersMethod(),
                request -> router.registeredBrokers(), AdminCodec::registeredBrokers)
            .build();
    }
}

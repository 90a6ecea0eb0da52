package io.rocklet.transport.grpc;

import io.grpc.ServerServiceDefinition;
import io.rocklet.api.spi.BrokerLinks;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.RouterService.RegistrationResult;
import io.rocklet.transport.grpc.ServerConnections.Connection;
import io.rocklet.transport.grpc.proto.RouterGrpc;
import io.rocklet.transport.grpc.proto.RouterProto;

import java.util.concurrent.CompletableFuture;

import static io.rocklet.transport.grpc.CommonCodec.EMPTY;

/**
 * Serves a {@link RouterService} as the gRPC service {@code rocklet.v1.Router}: one line per rpc. A registration
 * links the broker to the connection it arrived on ({@link BrokerLinks}), so that the router hears
 * {@link RouterService#brokerDisconnected} when the last connection of that broker closes. Thread-safe.
 */
final class RouterHandlers
{
    private RouterHandlers()
    {
    }

    static ServerServiceDefinition definition(final RouterService router)
    {
        return definition(router, router);
    }

    /**
     * @param router the view of the router calls go through (an authorizing view, or the router itself).
     * @param served the router itself: told of lost broker links by the transport, never through the view.
     */
    static ServerServiceDefinition definition(final RouterService router, final RouterService served)
    {
        final BrokerLinks<Connection> links = new BrokerLinks<>(served);
        return new ServiceBinder(RouterGrpc.getServiceDescriptor())
            .unary(RouterGrpc.getRegisterBrokerMethod(),
                request -> register(router, links, request), RouterCodec::registrationResult)
            .unary(RouterGrpc.getUnregisterBrokerMethod(),
                request -> router.unregisterBroker(CommonCodec.brokerIdentity(request)), done -> EMPTY)
            .unary(RouterGrpc.getQueryRouteMethod(),
                request -> router.queryRoute(request.getTopic()), RouterCodec::topicRoute)
            .unary(RouterGrpc.getClusterInfoMethod(),
                request -> router.clusterInfo(), RouterCodec::clusterInfo)
            .unary(RouterGrpc.getRegisteredBrokersMethod(),
                request -> router.registeredBrokers(), AdminCodec::registeredBrokers)
            .unary(RouterGrpc.getListUsersMethod(),
                request -> router.listUsers(), AccessCodec::userInfos)
            .unary(RouterGrpc.getCreateUserMethod(),
                request -> router.createUser(AccessCodec.user(request)), done -> EMPTY)
            .unary(RouterGrpc.getUpdateUserMethod(),
                request -> router.updateUser(AccessCodec.user(request)), done -> EMPTY)
            .unary(RouterGrpc.getDeleteUserMethod(),
                request -> router.deleteUser(request.getName()), done -> EMPTY)
            .unary(RouterGrpc.getListPoliciesMethod(),
                request -> router.listPolicies(), AccessCodec::policies)
            .unary(RouterGrpc.getPutPoliciesMethod(),
                request -> router.putPolicies(request.getUser(), AccessCodec.putPolicies(request)), done -> EMPTY)
            .build();
    }

    private static CompletableFuture<RegistrationResult> register(final RouterService router,
        final BrokerLinks<Connection> links, final RouterProto.BrokerRegistration request)
    {
        final BrokerRegistration registration = RouterCodec.registration(request);
        final Connection connection = Connection.current();
        return router.registerBroker(registration).thenApply(result ->
        {
            if (connection != null)
            {
                link(links, connection, registration.broker());
            }
            return result;
        });
    }

    private static void link(final BrokerLinks<Connection> links, final Connection connection,
        final BrokerIdentity broker)
    {
        if (links.registered(connection, broker))
        {
            connection.onClose(() -> links.closed(connection));
        }
        if (connection.closed())
        {
            links.closed(connection); // it closed while the registration ran
        }
    }
}

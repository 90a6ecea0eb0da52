package io.rocklet.transport.grpc;

import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import io.rocklet.api.spi.RouterService;
import io.rocklet.transport.grpc.proto.RouterGrpc;
import io.rocklet.transport.grpc.proto.RouterProto;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A router reached over gRPC: each method is one unary call on the address's shared {@link PeerChannel}, with the
 * transport's call timeout as deadline. Thread-safe.
 */
final class GrpcRouterStub implements RouterService
{
    private final PeerChannel peer;
    private final long timeoutMs;

    GrpcRouterStub(final PeerChannel peer, final long timeoutMs)
    {
        this.peer = peer;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<RegistrationResult> registerBroker(final BrokerRegistration registration)
    {
        return peer.unary(RouterGrpc.getRegisterBrokerMethod(), () -> RouterCodec.registration(registration),
            RouterCodec::registrationResult, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(final BrokerIdentity broker)
    {
        return peer.unary(RouterGrpc.getUnregisterBrokerMethod(), () -> CommonCodec.brokerIdentity(broker),
            done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<TopicRoute> queryRoute(final String topic)
    {
        return peer.unary(RouterGrpc.getQueryRouteMethod(), () -> RouterCodec.queryRoute(topic),
            RouterCodec::topicRoute, timeoutMs);
    }

    @Override
    public CompletableFuture<ClusterInfo> clusterInfo()
    {
        return peer.unary(RouterGrpc.getClusterInfoMethod(), RouterProto.ClusterInfoRequest::getDefaultInstance,
            RouterCodec::clusterInfo, timeoutMs);
    }

    @Override
    public CompletableFuture<List<RegisteredBroker>> registeredBrokers()
    {
        return peer.unary(RouterGrpc.getRegisteredBrokersMethod(),
            RouterProto.RegisteredBrokersRequest::getDefaultInstance, AdminCodec::registeredBrokers, timeoutMs);
    }

    // ---- users and policies

    @Override
    public CompletableFuture<List<UserInfo>> listUsers()
    {
        return peer.unary(RouterGrpc.getListUsersMethod(), () -> AccessCodec.LIST_USERS, AccessCodec::userInfos,
            timeoutMs);
    }

    @Override
    public CompletableFuture<Void> createUser(final User user)
    {
        return peer.unary(RouterGrpc.getCreateUserMethod(), () -> AccessCodec.user(user), done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> updateUser(final User user)
    {
        return peer.unary(RouterGrpc.getUpdateUserMethod(), () -> AccessCodec.user(user), done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> deleteUser(final String name)
    {
        return peer.unary(RouterGrpc.getDeleteUserMethod(), () -> AccessCodec.userName(name), done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<List<Policy>> listPolicies()
    {
        return peer.unary(RouterGrpc.getListPoliciesMethod(), () -> AccessCodec.LIST_POLICIES, AccessCodec::policies,
            timeoutMs);
    }

    @Override
    public CompletableFuture<Void> putPolicies(final String user, final List<Policy> policies)
    {
        return peer.unary(RouterGrpc.getPutPoliciesMethod(), () -> AccessCodec.putPolicies(user, policies),
            done -> null, timeoutMs);
    }

    @Override
    public String toString()
    {
        return "GrpcRouterStub{" + peer.address() + '}';
    }
}

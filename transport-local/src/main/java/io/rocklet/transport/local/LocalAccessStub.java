package io.rocklet.transport.local;

import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import io.rocklet.api.spi.AccessService;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static io.rocklet.transport.local.LocalTransport.call;

/**
 * The users and policies of a broker or router reached by direct calls (the component looked up on every call): the
 * one copy of these six calls for {@link LocalBrokerStub} and {@link LocalRouterStub}.
 */
final class LocalAccessStub implements AccessService
{
    private final Supplier<? extends AccessService> target;

    LocalAccessStub(final Supplier<? extends AccessService> target)
    {
        this.target = target;
    }

    @Override
    public CompletableFuture<List<UserInfo>> listUsers()
    {
        return call(() -> target.get().listUsers());
    }

    @Override
    public CompletableFuture<Void> createUser(final User user)
    {
        return call(() -> target.get().createUser(user));
    }

    @Override
    public CompletableFuture<Void> updateUser(final User user)
    {
        return call(() -> target.get().updateUser(user));
    }

    @Override
    public CompletableFuture<Void> deleteUser(final String name)
    {
        return call(() -> target.get().deleteUser(name));
    }

    @Override
    public CompletableFuture<List<Policy>> listPolicies()
    {
        return call(() -> target.get().listPolicies());
    }

    @Override
    public CompletableFuture<Void> putPolicies(final String user, final List<Policy> policies)
    {
        return call(() -> target.get().putPolicies(user, policies));
    }
}

package io.rocklet.api.auth;

import io.rocklet.api.spi.AccessService;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@link AccessService} operations of a served broker or router, done on its {@link AccessControl}: each call
 * runs on the calling (transport) thread, takes its author from {@link CurrentCaller} and completes its future with
 * the result or the error. Brokers and routers delegate their access operations here. Thread-safe.
 */
public final class AccessManagement implements AccessService
{
    private final AccessControl access;

    /**
     * @param access the rules of the served component ({@link AccessControl#OPEN}: every operation refused).
     */
    public AccessManagement(final AccessControl access)
    {
        this.access = access;
    }

    @Override
    public CompletableFuture<List<UserInfo>> listUsers()
    {
        return call(access::users);
    }

    @Override
    public CompletableFuture<Void> createUser(final User user)
    {
        final Caller by = CurrentCaller.get();
        return run(() -> access.createUser(by, user));
    }

    @Override
    public CompletableFuture<Void> updateUser(final User user)
    {
        final Caller by = CurrentCaller.get();
        return run(() -> access.updateUser(by, user));
    }

    @Override
    public CompletableFuture<Void> deleteUser(final String name)
    {
        final Caller by = CurrentCaller.get();
        return run(() -> access.deleteUser(by, name));
    }

    @Override
    public CompletableFuture<List<Policy>> listPolicies()
    {
        return call(access::policies);
    }

    @Override
    public CompletableFuture<Void> putPolicies(final String user, final List<Policy> policies)
    {
        final Caller by = CurrentCaller.get();
        return run(() -> access.putPolicies(by, user, policies));
    }

    private static <T> CompletableFuture<T> call(final Supplier<T> call)
    {
        try
        {
            return CompletableFuture.completedFuture(call.get());
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletableFuture<Void> run(final Runnable change)
    {
        return call(() ->
        {
            change.run();
            return null;
        });
    }
}

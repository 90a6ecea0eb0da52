package io.rocklet.client.admin;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.auth.AccessAdmin;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import io.rocklet.api.spi.AccessService;
import io.rocklet.client.internal.Futures;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@link AccessAdmin} of one broker or router: each method is one {@link AccessService} call on that component's
 * stub (signed with the client's credentials), awaited within the client's request timeout. Thread-safe.
 */
final class AccessOperations implements AccessAdmin
{
    private final AdminCalls calls;
    private final AccessService service;
    private final String target;

    /**
     * @param target names the component in errors ({@code broker=<address>} or {@code router=<address>}).
     */
    AccessOperations(final AdminCalls calls, final AccessService service, final String target)
    {
        this.calls = calls;
        this.service = service;
        this.target = target;
    }

    static AccessOperations broker(final AdminCalls calls, final String address)
    {
        checkAddress(address, "brokerAddress");
        return new AccessOperations(calls, calls.context().brokerAt(address), "broker=" + address);
    }

    static AccessOperations router(final AdminCalls calls, final String address)
    {
        checkAddress(address, "routerAddress");
        return new AccessOperations(calls, calls.context().transport().router(address,
            calls.context().config().credentials()), "router=" + address);
    }

    @Override
    public List<UserInfo> users()
    {
        return await("list users", AccessService::listUsers);
    }

    @Override
    public void createUser(final User user)
    {
        checkNotNull(user, "user");
        await("create user: user=" + user.name(), s -> s.createUser(user));
    }

    @Override
    public void updateUser(final User user)
    {
        checkNotNull(user, "user");
        await("update user: user=" + user.name(), s -> s.updateUser(user));
    }

    @Override
    public void deleteUser(final String name)
    {
        checkNotNull(name, "name");
        await("delete user: user=" + name, s -> s.deleteUser(name));
    }

    @Override
    public List<Policy> policies()
    {
        return await("list policies", AccessService::listPolicies);
    }

    @Override
    public void putPolicies(final String user, final List<Policy> policies)
    {
        checkNotNull(user, "user");
        checkNotNull(policies, "policies");
        await("put policies: user=" + user, s -> s.putPolicies(user, List.copyOf(policies)));
    }

    private <T> T await(final String what, final Function<AccessService, CompletableFuture<T>> call)
    {
        calls.checkOpen();
        final String context = what + ", " + target;
        return Futures.await(Futures.within(Futures.call(() -> call.apply(service)), calls.timeoutNs(),
            () -> context), context);
    }

    private static void checkAddress(final String address, final String field)
    {
        if (address == null || address.isBlank())
        {
            throw new InvalidArgumentException("illegal " + field + "=" + address + ", a transport address is " +
                "required");
        }
    }

    private static void checkNotNull(final Object value, final String field)
    {
        if (value == null)
        {
            throw new InvalidArgumentException("illegal " + field + "=null");
        }
    }
}

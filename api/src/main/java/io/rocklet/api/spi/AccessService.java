package io.rocklet.api.spi;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Management of the users and policies a served broker or router enforces ({@link io.rocklet.api.auth.AccessControl}):
 * part of both {@link BrokerService} and {@link RouterService}, each of which keeps its own rules (its own rules
 * file). Every operation needs the Admin action on the cluster ({@link io.rocklet.api.auth.Operations}); a change is
 * persisted and audited before its future completes, and is in force for the next call. Where access control is off
 * every operation fails with INVALID_ARGUMENT saying so. Listings never carry secrets.
 *
 * <p>The defaults fail (a service that does not manage access, such as a test fake); brokers, routers and the
 * transports' stubs implement every method.
 */
public interface AccessService
{
    /**
     * @return every user (never a secret), sorted by name.
     */
    default CompletableFuture<List<UserInfo>> listUsers()
    {
        return unsupported("listUsers");
    }

    /**
     * Adds a user; INVALID_ARGUMENT when one of that name exists.
     */
    default CompletableFuture<Void> createUser(final User user)
    {
        return unsupported("createUser");
    }

    /**
     * Replaces the user of that name (kind, secret, certificate subject), keeping its policies; INVALID_ARGUMENT when
     * there is none.
     */
    default CompletableFuture<Void> updateUser(final User user)
    {
        return unsupported("updateUser");
    }

    /**
     * Removes a user and its policies; INVALID_ARGUMENT when there is none.
     */
    default CompletableFuture<Void> deleteUser(final String name)
    {
        return unsupported("deleteUser");
    }

    /**
     * @return every policy of every user, in the order they are kept.
     */
    default CompletableFuture<List<Policy>> listPolicies()
    {
        return unsupported("listPolicies");
    }

    /**
     * Replaces every policy of {@code user} with {@code policies} (each naming that user; empty: removes them all).
     */
    default CompletableFuture<Void> putPolicies(final String user, final List<Policy> policies)
    {
        return unsupported("putPolicies");
    }

    private static <T> CompletableFuture<T> unsupported(final String operation)
    {
        return CompletableFuture.failedFuture(new RockletException(ErrorCode.INTERNAL_ERROR,
            "operation not supported by this service: operation=" + operation));
    }

    /**
     * A service whose users and policies are managed by another ({@link #accessService()}): brokers and routers hand
     * every operation to their own rules.
     */
    interface Delegating extends AccessService
    {
        /**
         * @return the service that manages this one's users and policies.
         */
        AccessService accessService();

        @Override
        default CompletableFuture<List<UserInfo>> listUsers()
        {
            return accessService().listUsers();
        }

        @Override
        default CompletableFuture<Void> createUser(final User user)
        {
            return accessService().createUser(user);
        }

        @Override
        default CompletableFuture<Void> updateUser(final User user)
        {
            return accessService().updateUser(user);
        }

        @Override
        default CompletableFuture<Void> deleteUser(final String name)
        {
            return accessService().deleteUser(name);
        }

        @Override
        default CompletableFuture<List<Policy>> listPolicies()
        {
            return accessService().listPolicies();
        }

        @Override
        default CompletableFuture<Void> putPolicies(final String user, final List<Policy> policies)
        {
            return accessService().putPolicies(user, policies);
        }
    }
}

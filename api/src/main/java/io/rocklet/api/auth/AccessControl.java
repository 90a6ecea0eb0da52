package io.rocklet.api.auth;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

import java.util.List;

/**
 * The rules a served broker or router enforces, at one choke point per transport: the transport authenticates each
 * call ({@link #authenticate}) and authorizes it against {@link Operations} ({@link #authorize}) before the service
 * sees it. {@link #OPEN} lets everything through (the default of embedded setups). The enforcing implementation is
 * {@code io.rocklet.auth.Acl} (module routing). Users and policies are managed through the same object (the
 * {@code listUsers}, {@code createUser}, ... operations of the broker and router SPI land here); {@link #OPEN} refuses
 * every change, saying access control is off. Thread-safe.
 */
public interface AccessControl
{
    /** No access control: every call is let through as {@link Caller#ANONYMOUS}. */
    AccessControl OPEN = new AccessControl()
    {
        @Override
        public boolean enabled()
        {
            return false;
        }

        @Override
        public Caller authenticate(final SignedCall call, final String operation, final String source,
            final String certificateSubject)
        {
            return Caller.ANONYMOUS;
        }

        @Override
        public void authorize(final Caller caller, final String operation, final Object[] arguments)
        {
        }

        @Override
        public String toString()
        {
            return "AccessControl.OPEN";
        }
    };

    /**
     * @return false when every call is let through (transports then skip the checks entirely).
     */
    boolean enabled();

    /**
     * @param call               the call's signed identity fields, or null when it carries none.
     * @param operation          the operation actually called (must be the one signed).
     * @param source             the caller's address (literal IP), or null when unknown.
     * @param certificateSubject the verified TLS client certificate's subject, or null.
     * @return the caller.
     * @throws io.rocklet.api.RockletException UNAUTHENTICATED naming why (no credentials, unknown access key, bad
     *                                         signature, expired timestamp, replayed nonce).
     */
    Caller authenticate(SignedCall call, String operation, String source, String certificateSubject);

    /**
     * @param operation an SPI method name ({@link Operations}).
     * @param arguments the call's arguments (the resource is read from them).
     * @throws io.rocklet.api.RockletException PERMISSION_DENIED naming the caller, the action and the resource.
     */
    void authorize(Caller caller, String operation, Object[] arguments);

    /**
     * Picks up changed rules (a rules file edited since the last look). Cheap when nothing changed; called from the
     * served component's agent.
     *
     * @return the amount of work done (1 when rules were reloaded).
     */
    default int refresh()
    {
        return 0;
    }

    // ---- management (the SPI's access operations; OPEN and other read-only implementations refuse them)

    /**
     * @return every user, without secrets, sorted by name.
     * @throws RockletException INVALID_ARGUMENT when access control is off.
     */
    default List<UserInfo> users()
    {
        throw off("listUsers");
    }

    /**
     * @return every policy of every user, in the order they are stored.
     * @throws RockletException INVALID_ARGUMENT when access control is off.
     */
    default List<Policy> policies()
    {
        throw off("listPolicies");
    }

    /**
     * Adds a user; persisted where the rules are kept, audited.
     *
     * @param by who makes the change (for the audit log).
     * @throws io.rocklet.api.InvalidArgumentException when a user of that name exists, or access control is off.
     */
    default void createUser(final Caller by, final User user)
    {
        throw off("createUser");
    }

    /**
     * Replaces a user of that name (its policies kept); persisted, audited.
     *
     * @throws io.rocklet.api.InvalidArgumentException when no such user exists, or access control is off.
     */
    default void updateUser(final Caller by, final User user)
    {
        throw off("updateUser");
    }

    /**
     * Removes a user and its policies; persisted, audited. Its next call is refused as unauthenticated.
     *
     * @throws io.rocklet.api.InvalidArgumentException when no such user exists, or access control is off.
     */
    default void deleteUser(final Caller by, final String name)
    {
        throw off("deleteUser");
    }

    /**
     * Replaces the policies of a user (an empty list removes them all); persisted, audited; in force from the next
     * call on.
     *
     * @throws io.rocklet.api.InvalidArgumentException when no such user exists, a policy names another user, or
     *                                                  access control is off.
     */
    default void putPolicies(final Caller by, final String user, final List<Policy> policies)
    {
        throw off("putPolicies");
    }

    /**
     * @return the error of a management operation where access control is off.
     */
    static RockletException off(final String operation)
    {
        return new RockletException(ErrorCode.INVALID_ARGUMENT, "access control is off: operation=" + operation +
            ", users and policies exist only where access control is on (server --auth FILE, or an Acl in the " +
            "broker's or router's config)");
    }
}

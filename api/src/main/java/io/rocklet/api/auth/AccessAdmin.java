package io.rocklet.api.auth;

import java.util.List;

/**
 * The users and policies of one broker or router (each keeps its own rules, in its own rules file), from
 * {@link io.rocklet.api.Admin#brokerAccess} or {@link io.rocklet.api.Admin#routerAccess}. Every method is synchronous,
 * bounded by the client's request timeout, and needs the Admin action on the cluster (a {@code super} user has it);
 * a change is persisted to the rules file, written to the audit log and in force for the next call, without restart.
 *
 * <p>Errors: PERMISSION_DENIED / UNAUTHENTICATED as for every call; {@link io.rocklet.api.InvalidArgumentException}
 * naming the field for an unknown user, a user that exists already, a policy of another user, and where access
 * control is off. Thread-safe.
 */
public interface AccessAdmin
{
    /**
     * @return every user, sorted by name; secrets never leave the server ({@link UserInfo#hasSecret()}).
     */
    List<UserInfo> users();

    /**
     * Adds a user; fails when one of that name exists.
     */
    void createUser(User user);

    /**
     * Replaces the user of that name (kind, secret, certificate subject), keeping its policies.
     */
    void updateUser(User user);

    /**
     * Removes a user and its policies: its next call is refused as UNAUTHENTICATED.
     */
    void deleteUser(String name);

    /**
     * @return every policy of every user.
     */
    List<Policy> policies();

    /**
     * Replaces every policy of {@code user} (each must name that user; an empty list removes them all).
     */
    void putPolicies(String user, List<Policy> policies);
}

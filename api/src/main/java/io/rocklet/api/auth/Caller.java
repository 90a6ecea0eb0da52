package io.rocklet.api.auth;

/**
 * Who makes a call, once authenticated: the user and where the call came from.
 *
 * @param user   the user's name (access key, or the certificate user's name).
 * @param kind   what kind of user.
 * @param source the call's source address (literal IP; {@value SourceRange#IN_JVM_ADDRESS} for in-JVM calls).
 */
public record Caller(String user, User.Kind kind, String source)
{
    /** The caller of a component served without access control. */
    public static final Caller ANONYMOUS = new Caller("anonymous", User.Kind.CLIENT, SourceRange.IN_JVM_ADDRESS);
}

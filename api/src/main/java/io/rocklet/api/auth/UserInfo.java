package io.rocklet.api.auth;

/**
 * A user as listings show it: everything but the secret, which never leaves the broker or router it is stored on.
 *
 * @param name               the access key, or the certificate user's name.
 * @param kind               client, super or member.
 * @param certificateSubject the TLS client certificate subject identifying the user, or null.
 * @param hasSecret          true when the user signs calls with a secret.
 */
public record UserInfo(String name, User.Kind kind, String certificateSubject, boolean hasSecret)
{
    /**
     * @return what a listing shows of {@code user}.
     */
    public static UserInfo of(final User user)
    {
        return new UserInfo(user.name(), user.kind(), user.certificateSubject(), user.secret() != null);
    }
}

package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;

/**
 * An identity a broker or router knows: a user who signs calls with an access key and a secret, or the subject of a
 * TLS client certificate (mutual TLS). {@link #toString()} never shows the secret.
 *
 * @param name               the access key (signed calls) or a name for the certificate user.
 * @param kind               a client, a super user or a cluster member.
 * @param secret             the signing secret; null for a certificate user.
 * @param certificateSubject the certificate subject (RFC 2253, e.g. {@code CN=app,O=Acme}) that identifies this user
 *                           under mutual TLS, or null.
 */
public record User(String name, Kind kind, String secret, String certificateSubject)
{
    public enum Kind
    {
        /** A producer, consumer or admin tool: may do what its policies allow. */
        CLIENT,
        /** An operator: may do every client operation, whatever the policies say (not register brokers). */
        SUPER,
        /**
         * A broker, replica or controller: may register and unregister brokers with routers (which no other kind
         * may); every other operation as its policies allow.
         */
        MEMBER
    }

    public User
    {
        if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace))
        {
            throw new InvalidArgumentException("illegal user name: user=" + name + ", must be non-empty without spaces");
        }
        if (kind == null)
        {
            throw new InvalidArgumentException("illegal user: user=" + name + ", kind is required");
        }
        if ((secret == null || secret.isEmpty()) && (certificateSubject == null || certificateSubject.isBlank()))
        {
            throw new InvalidArgumentException("illegal user: user=" + name +
                ", a secret or a certificate subject is required");
        }
        if (secret != null && (secret.isEmpty() || secret.chars().anyMatch(Character::isWhitespace)))
        {
            throw new InvalidArgumentException("illegal user: user=" + name + ", the secret is empty or has spaces");
        }
    }

    /**
     * @return a user who signs calls with {@code secret}.
     */
    public static User withSecret(final String accessKey, final Kind kind, final String secret)
    {
        return new User(accessKey, kind, secret, null);
    }

    /**
     * @return a user identified by a TLS client certificate subject.
     */
    public static User withCertificate(final String name, final Kind kind, final String subject)
    {
        return new User(name, kind, null, subject);
    }

    @Override
    public String toString()
    {
        return "User{name=" + name + ", kind=" + kind + (secret == null ? "" : ", secret=***") +
            (certificateSubject == null ? "" : ", certificateSubject=" + certificateSubject) + '}';
    }
}

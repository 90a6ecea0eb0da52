package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;

/**
 * What a client (or a cluster member) signs its calls with: an access key and its secret. The transport signs every
 * call with HMAC-SHA256 ({@link Signer}); the secret itself never travels. {@link #toString()} never shows it.
 *
 * @param accessKey names the user.
 * @param secret    the user's secret.
 */
public record Credentials(String accessKey, String secret)
{
    public Credentials
    {
        if (accessKey == null || accessKey.isBlank() || accessKey.chars().anyMatch(Character::isWhitespace))
        {
            throw new InvalidArgumentException("illegal credentials: accessKey=" + accessKey +
                ", must be non-empty without spaces");
        }
        if (secret == null || secret.isEmpty())
        {
            throw new InvalidArgumentException("illegal credentials: accessKey=" + accessKey + ", secret is empty");
        }
    }

    @Override
    public String toString()
    {
        return "Credentials{accessKey=" + accessKey + ", secret=***}";
    }
}

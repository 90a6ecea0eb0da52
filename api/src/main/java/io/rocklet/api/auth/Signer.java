package io.rocklet.api.auth;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Signs calls for one set of {@link Credentials}: each call gets the wall-clock time and a nonce made of this
 * signer's random session id and the next number of its sequence, so no two calls share a nonce. Transports hold one
 * signer per credentials. Thread-safe.
 */
public final class Signer
{
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Credentials credentials;
    private final Signatures.Keyed key;
    private final LongSupplier clockMs;
    private final String session;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param clockMs the wall clock, epoch ms.
     */
    public Signer(final Credentials credentials, final LongSupplier clockMs)
    {
        this.credentials = credentials;
        this.key = new Signatures.Keyed(credentials.secret());
        this.clockMs = clockMs;
        final byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        this.session = HexFormat.of().formatHex(id);
    }

    public Signer(final Credentials credentials)
    {
        this(credentials, System::currentTimeMillis);
    }

    /**
     * @return the access key this signer signs for.
     */
    public String accessKey()
    {
        return credentials.accessKey();
    }

    /**
     * @param operation the SPI method name (local) or the rpc's full name (gRPC).
     * @return the call's signed identity fields.
     */
    public SignedCall sign(final String operation)
    {
        final long timestampMs = clockMs.getAsLong();
        final String nonce = session + '.' + sequence.incrementAndGet();
        return new SignedCall(credentials.accessKey(), operation, timestampMs, nonce,
            key.sign(credentials.accessKey(), operation, timestampMs, nonce));
    }

    @Override
    public String toString()
    {
        return "Signer{accessKey=" + credentials.accessKey() + ", session=" + session + '}';
    }
}

package io.rocklet.api.auth;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * HMAC-SHA256 over a call's identity fields, one copy for signers and verifiers. A {@link Keyed} holds one secret's
 * initialised {@link Mac} per thread, so signing or checking a call costs one HMAC of about 100 bytes and no key
 * set-up.
 */
public final class Signatures
{
    private static final String ALGORITHM = "HmacSHA256";

    private Signatures()
    {
    }

    /**
     * One secret, ready to sign with on any thread. Thread-safe (one {@link Mac} per thread).
     */
    public static final class Keyed
    {
        private final ThreadLocal<Mac> macs;

        public Keyed(final String secret)
        {
            final SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
            this.macs = ThreadLocal.withInitial(() -> newMac(key));
        }

        /**
         * @return Base64 of HMAC-SHA256 over {@code accessKey \n operation \n timestampMs \n nonce}.
         */
        public String sign(final String accessKey, final String operation, final long timestampMs,
            final String nonce)
        {
            final String text = accessKey + '\n' + operation + '\n' + timestampMs + '\n' + nonce;
            final Mac mac = macs.get();
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        }

        /**
         * @return true when {@code call}'s signature is the one this secret gives (compared in constant time).
         */
        public boolean verifies(final SignedCall call)
        {
            final String expected = sign(call.accessKey(), call.operation(), call.timestampMs(), call.nonce());
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                call.signature().getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static Mac newMac(final SecretKeySpec key)
    {
        try
        {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        }
        catch (final GeneralSecurityException e)
        {
            throw new RockletException(ErrorCode.ENVIRONMENT, "HMAC-SHA256 unavailable: error=" + e, e);
        }
    }
}

package io.rocklet.api.auth;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

/**
 * The identity fields of one call and their HMAC-SHA256 signature ({@link Signatures}): who calls, which operation,
 * when, and a nonce that is never used twice. Over gRPC they travel in the {@value #HEADER} metadata header
 * ({@link #header()}); the local transport passes the record as it is. The server checks them with the same code
 * either way.
 *
 * @param accessKey   the caller's access key.
 * @param operation   what is called: the SPI method name (local) or the rpc's full name (gRPC).
 * @param timestampMs when the call was signed (caller's wall clock, epoch ms).
 * @param nonce       {@code <session>.<sequence>}: a random session id of the signer and a number it never reuses.
 * @param signature   Base64 of HMAC-SHA256(secret, accessKey \n operation \n timestampMs \n nonce).
 */
public record SignedCall(String accessKey, String operation, long timestampMs, String nonce, String signature)
{
    /** The gRPC metadata header that carries a signed call. */
    public static final String HEADER = "rocklet-auth";

    /**
     * @return the header value: {@code ak=<key>,ts=<ms>,n=<nonce>,sig=<signature>} (the operation is the call's own).
     */
    public String header()
    {
        return "ak=" + accessKey + ",ts=" + timestampMs + ",n=" + nonce + ",sig=" + signature;
    }

    /**
     * @param header    a {@link #header()} value.
     * @param operation the operation the header arrived with.
     * @throws RockletException UNAUTHENTICATED naming the header when it is malformed.
     */
    public static SignedCall parse(final String header, final String operation)
    {
        String accessKey = null;
        String nonce = null;
        String signature = null;
        long timestampMs = -1;
        for (final String field : header.split(","))
        {
            final int eq = field.indexOf('=');
            final String key = eq < 0 ? field : field.substring(0, eq);
            final String value = eq < 0 ? "" : field.substring(eq + 1);
            switch (key)
            {
                case "ak" -> accessKey = value;
                case "n" -> nonce = value;
                case "sig" -> signature = value;
                case "ts" -> timestampMs = timestamp(value);
                default ->
                {
                    // ignored: room for fields of later versions
                }
            }
        }
        if (accessKey == null || accessKey.isEmpty() || nonce == null || signature == null || timestampMs < 0)
        {
            throw new RockletException(ErrorCode.UNAUTHENTICATED, "malformed credentials header: header=" +
                HEADER + ", operation=" + operation + ", expected ak=,ts=,n=,sig=");
        }
        return new SignedCall(accessKey, operation, timestampMs, nonce, signature);
    }

    @Override
    public String toString()
    {
        return "SignedCall{accessKey=" + accessKey + ", operation=" + operation + ", timestampMs=" + timestampMs +
            ", nonce=" + nonce + '}';
    }

    private static long timestamp(final String value)
    {
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException e)
        {
            return -1;
        }
    }
}

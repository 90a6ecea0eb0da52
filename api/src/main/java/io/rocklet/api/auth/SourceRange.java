package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A range of source addresses in CIDR notation ({@code 10.0.0.0/8}, {@code 127.0.0.1/32}, {@code ::1/128}); a policy
 * limited to ranges applies only to calls from them. Calls through the local transport come from
 * {@value #IN_JVM_ADDRESS}.
 *
 * @param network the range's first address bytes (4 or 16).
 * @param bits    how many leading bits must match.
 */
public record SourceRange(byte[] network, int bits)
{
    /** The source address of in-JVM calls (the local transport). */
    public static final String IN_JVM_ADDRESS = "127.0.0.1";

    /**
     * @param text {@code address/bits}, or an address alone (all bits).
     * @throws InvalidArgumentException naming the text when it is not a literal address range.
     */
    public static SourceRange parse(final String text)
    {
        final String value = text == null ? "" : text.trim();
        final int slash = value.indexOf('/');
        final String host = slash < 0 ? value : value.substring(0, slash);
        final byte[] address = literal(host);
        if (address == null)
        {
            throw new InvalidArgumentException("illegal source range: from=" + text +
                ", expected an IP address and optionally /bits (CIDR)");
        }
        final int bits;
        try
        {
            bits = slash < 0 ? address.length * 8 : Integer.parseInt(value.substring(slash + 1));
        }
        catch (final NumberFormatException e)
        {
            throw new InvalidArgumentException("illegal source range: from=" + text + ", bits is not a number");
        }
        if (bits < 0 || bits > address.length * 8)
        {
            throw new InvalidArgumentException("illegal source range: from=" + text + ", bits=" + bits +
                ", allowed=0.." + address.length * 8);
        }
        return new SourceRange(address, bits);
    }

    /**
     * @param source a literal IP address (host part of a socket address), or null when unknown.
     * @return true when it lies in this range (an unknown or unparseable source never does).
     */
    public boolean contains(final String source)
    {
        final byte[] address = source == null ? null : literal(source);
        if (address == null || address.length != network.length)
        {
            return false;
        }
        final int whole = bits / 8;
        for (int i = 0; i < whole; i++)
        {
            if (address[i] != network[i])
            {
                return false;
            }
        }
        final int rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }
        final int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public String toString()
    {
        try
        {
            return InetAddress.getByAddress(network).getHostAddress() + '/' + bits;
        }
        catch (final UnknownHostException e)
        {
            return "?/" + bits;
        }
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof SourceRange range && range.bits == bits &&
            Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(network) + bits;
    }

    /** Parses a literal address without name lookups; null when it is not one. */
    private static byte[] literal(final String host)
    {
        final String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.isEmpty() || !(h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || Character.isDigit(c))))
        {
            return null; // a name: never looked up
        }
        try
        {
            return InetAddress.getByName(h).getAddress();
        }
        catch (final UnknownHostException e)
        {
            return null;
        }
    }
}

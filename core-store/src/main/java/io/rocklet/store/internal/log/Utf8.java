package io.rocklet.store.internal.log;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 encoding straight into a buffer, without allocating: the append path calls it per field.
 */
public final class Utf8
{
    private Utf8()
    {
    }

    /**
     * @param s a string.
     * @return the number of bytes {@link #encode} writes for it.
     */
    public static int encodedLength(final String s)
    {
        final int length = s.length();
        int bytes = length;
        for (int i = 0; i < length; i++)
        {
            final char c = s.charAt(i);
            if (c >= 0x80)
            {
                if (c < 0x800)
                {
                    bytes += 1;
                }
                else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1)))
                {
                    bytes += 2;
                    i++;
                }
                else
                {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /**
     * Writes {@code s} as UTF-8 at {@code index}. Unpaired surrogates become {@code '?'}.
     *
     * @return the number of bytes written.
     */
    public static int encode(final MutableDirectBuffer buffer, final int index, final String s)
    {
        final int length = s.length();
        int p = index;
        for (int i = 0; i < length; i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(p++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(p++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(p++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1)))
                {
                    final int cp = Character.toCodePoint(c, s.charAt(++i));
                    buffer.putByte(p++, (byte)(0xF0 | (cp >> 18)));
                    buffer.putByte(p++, (byte)(0x80 | ((cp >> 12) & 0x3F)));
                    buffer.putByte(p++, (byte)(0x80 | ((cp >> 6) & 0x3F)));
                    buffer.putByte(p++, (byte)(0x80 | (cp & 0x3F)));
                }
                else
                {
                    buffer.putByte(p++, (byte)'?');
                    buffer.putByte(p++, (byte)'?');
                    buffer.putByte(p++, (byte)'?');
                }
            }
            else
            {
                buffer.putByte(p++, (byte)(0xE0 | (c >> 12)));
                buffer.putByte(p++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(p++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        return p - index;
    }

    /**
     * @return the string held by {@code length} UTF-8 bytes at {@code index}.
     */
    public static String decode(final DirectBuffer buffer, final int index, final int length)
    {
        if (length == 0)
        {
            return "";
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(index, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

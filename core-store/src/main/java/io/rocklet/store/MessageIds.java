package io.rocklet.store;

import io.rocklet.api.InvalidArgumentException;

/**
 * Offset message ids: 24 hex digits, the store's 32-bit tag followed by the 64-bit log offset of the
 * record. An id therefore says which store holds the record and where. Each stored copy of a message
 * (sent, retried, dead-lettered) has its own; the id that stays with the message is its unique id
 * ({@link io.rocklet.api.UniqueMessageIds}).
 */
public final class MessageIds
{
    /** Length of an id in characters. */
    public static final int LENGTH = 24;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MessageIds()
    {
    }

    public static String encode(final int storeTag, final long logOffset)
    {
        final char[] chars = new char[LENGTH];
        for (int i = 0; i < 8; i++)
        {
            chars[i] = HEX[(storeTag >>> (28 - 4 * i)) & 0xF];
        }
        for (int i = 0; i < 16; i++)
        {
            chars[8 + i] = HEX[(int)(logOffset >>> (60 - 4 * i)) & 0xF];
        }
        return new String(chars);
    }

    /**
     * @throws InvalidArgumentException when {@code messageId} is not 24 hex digits.
     */
    public static int storeTag(final String messageId)
    {
        check(messageId);
        return (int)Long.parseUnsignedLong(messageId.substring(0, 8), 16);
    }

    /**
     * @throws InvalidArgumentException when {@code messageId} is not 24 hex digits.
     */
    public static long logOffset(final String messageId)
    {
        check(messageId);
        return Long.parseUnsignedLong(messageId.substring(8), 16);
    }

    private static void check(final String messageId)
    {
        if (messageId == null || messageId.length() != LENGTH)
        {
            throw new InvalidArgumentException("illegal message id: messageId=" + messageId + ", expected " + LENGTH +
                " hex digits (an offset id) or " + io.rocklet.api.UniqueMessageIds.LENGTH + " (a unique id)");
        }
        for (int i = 0; i < LENGTH; i++)
        {
            if (Character.digit(messageId.charAt(i), 16) < 0)
            {
                throw new InvalidArgumentException("illegal message id: messageId=" + messageId +
                    ", non-hex character at index " + i);
            }
        }
    }
}

package io.rocklet.api;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique message ids, as RocketMQ's {@code UNIQ_KEY}: 32 hex digits, 16 bytes - 8 bytes naming this JVM instance
 * (the process id's low 16 bits and 48 random bits drawn once) followed by 8 bytes of a per-instance sequence that
 * starts from the clock ({@code ms << 16}, plus a counter for ids of the same millisecond) and only ever grows. Ids
 * from one instance therefore never repeat, and ids from two instances differ in their first half. Generating one
 * costs a CAS and one String (its digits are made in a per-thread scratch array). A message carries its id as the property {@link SystemProperties#UNIQUE_ID}.
 *
 * <p>Thread-safe.
 */
public final class UniqueMessageIds
{
    /** Length of an id in characters. */
    public static final int LENGTH = 32;

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.ISO_8859_1);
    private static final long INSTANCE = (ProcessHandle.current().pid() & 0xFFFFL) << 48 |
        (new SecureRandom().nextLong() & 0xFFFF_FFFF_FFFFL);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Each thread's digits of the id it is making (the String copies them out). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[LENGTH]);

    private UniqueMessageIds()
    {
    }

    /**
     * @param nowMs the wall-clock time, ms since the epoch.
     * @return a new id.
     */
    public static String next(final long nowMs)
    {
        long previous;
        long next;
        do
        {
            previous = SEQUENCE.get();
            next = Math.max(previous + 1, nowMs << 16);
        }
        while (!SEQUENCE.compareAndSet(previous, next));
        final byte[] chars = SCRATCH.get();
        for (int i = 0; i < 16; i++)
        {
            chars[i] = HEX[(int)(INSTANCE >>> (60 - 4 * i)) & 0xF];
            chars[16 + i] = HEX[(int)(next >>> (60 - 4 * i)) & 0xF];
        }
        return new String(chars, StandardCharsets.ISO_8859_1); // the String's copy is the only allocation
    }

    /**
     * @return the message's unique id, or null when it has none.
     */
    public static String of(final Message message)
    {
        return message.properties().get(SystemProperties.UNIQUE_ID);
    }

    /**
     * @param message a message.
     * @param nowMs   the wall-clock time, for a new id.
     * @return {@code message} itself when it already has a unique id, else a copy carrying a new one.
     */
    public static Message ensure(final Message message, final long nowMs)
    {
        return of(message) != null ? message : with(message, next(nowMs));
    }

    /**
     * @return a copy of {@code message} carrying {@code uniqueId}.
     */
    public static Message with(final Message message, final String uniqueId)
    {
        if (message.properties().isEmpty())
        {
            // the common case: one immutable entry, which the Message constructor keeps without a copy
            return new Message(message.topic(), message.tag(), message.keys(),
                Map.of(SystemProperties.UNIQUE_ID, uniqueId), message.body(), message.delay());
        }
        final Map<String, String> properties = new LinkedHashMap<>(message.properties());
        properties.put(SystemProperties.UNIQUE_ID, uniqueId);
        return new Message(message.topic(), message.tag(), message.keys(), properties, message.body(), message.delay());
    }

    /**
     * @return true when {@code id} has the form of a unique id (32 hex digits).
     */
    public static boolean isUniqueId(final String id)
    {
        if (id == null || id.length() != LENGTH)
        {
            return false;
        }
        for (int i = 0; i < LENGTH; i++)
        {
            if (Character.digit(id.charAt(i), 16) < 0)
            {
                return false;
            }
        }
        return true;
    }
}

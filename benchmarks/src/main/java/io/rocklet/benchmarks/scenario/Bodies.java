package io.rocklet.benchmarks.scenario;

import io.rocklet.api.MessageView;

import java.nio.ByteBuffer;

/**
 * The scenarios' 128-byte message bodies: a sequence number and two {@code System.nanoTime} stamps in the first
 * 24 bytes, the rest fixed filler. A new array per message (a {@code Message} keeps its body).
 */
public final class Bodies
{
    /** Body size of every scenario message. */
    public static final int BYTES = 128;

    private static final byte[] FILLER = filler();

    private Bodies()
    {
    }

    /**
     * @return a new body carrying {@code sequence} and {@code stampNs} (and no second stamp).
     */
    public static byte[] body(final long sequence, final long stampNs)
    {
        return body(sequence, stampNs, 0);
    }

    /**
     * @return a new body carrying {@code sequence}, {@code stampNs} and {@code secondStampNs}.
     */
    public static byte[] body(final long sequence, final long stampNs, final long secondStampNs)
    {
        final byte[] body = FILLER.clone();
        final ByteBuffer buffer = ByteBuffer.wrap(body);
        buffer.putLong(0, sequence);
        buffer.putLong(8, stampNs);
        buffer.putLong(16, secondStampNs);
        return body;
    }

    public static long sequence(final MessageView message)
    {
        final ByteBuffer body = message.body();
        return body.getLong(body.position());
    }

    public static long stampNs(final MessageView message)
    {
        final ByteBuffer body = message.body();
        return body.getLong(body.position() + 8);
    }

    public static long secondStampNs(final MessageView message)
    {
        final ByteBuffer body = message.body();
        return body.getLong(body.position() + 16);
    }

    private static byte[] filler()
    {
        final byte[] filler = new byte[BYTES];
        for (int i = 0; i < filler.length; i++)
        {
            filler[i] = (byte) ('a' + i % 26);
        }
        return filler;
    }
}

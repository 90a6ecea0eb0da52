package io.rocklet.benchmarks.jmh;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The memory target of the append-design comparison: records laid out like the commit log's (an
 * 80-byte header, then the body, a CRC32C over bytes [12, end) stored at offset 8) written one after
 * another into a pre-touched direct buffer, wrapping to the start when full. Owned by one thread at
 * a time (the lock holder, or the writer thread).
 *
 * <pre>
 * offset size field
 *   0     4   record length
 *   4     4   magic
 *   8     4   CRC32C of [12, length)
 *  12     4   queue id
 *  16     8   queue offset
 *  24     8   log offset
 *  40     8   born timestamp
 *  48     8   store timestamp
 *  64     4   body length
 *  80     .   body
 * </pre>
 */
final class DesignRecordSink
{
    static final int HEADER_LENGTH = 80;
    private static final int MAGIC = 0x524B4C01;
    private static final int CRC_START = 12;

    private final UnsafeBuffer buffer;
    private final ByteBuffer crcView;
    private final CRC32C crc = new CRC32C();
    private int position;
    private long logOffset;
    private long queueOffset;

    /**
     * @param capacityBytes size of the target memory.
     */
    DesignRecordSink(final int capacityBytes)
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(capacityBytes);
        for (int i = 0; i < capacityBytes; i += 4096)
        {
            memory.put(i, (byte)0);
        }
        this.buffer = new UnsafeBuffer(memory);
        this.crcView = memory.duplicate();
    }

    /**
     * Encodes one record with its CRC.
     *
     * @return the log offset of the record.
     */
    long append(final int queueId, final long bornTimestampMs, final long storeTimestampMs, final DirectBuffer body,
        final int bodyIndex, final int bodyLength)
    {
        final int length = HEADER_LENGTH + bodyLength;
        if (position + length > buffer.capacity())
        {
            position = 0;
        }
        final int index = position;
        final long offset = logOffset;
        buffer.putInt(index, length);
        buffer.putInt(index + 4, MAGIC);
        buffer.putInt(index + 12, queueId);
        buffer.putLong(index + 16, queueOffset++);
        buffer.putLong(index + 24, offset);
        buffer.putLong(index + 40, bornTimestampMs);
        buffer.putLong(index + 48, storeTimestampMs);
        buffer.putInt(index + 64, bodyLength);
        buffer.putBytes(index + HEADER_LENGTH, body, bodyIndex, bodyLength);
        crc.reset();
        crcView.limit(index + length).position(index + CRC_START);
        crc.update(crcView);
        buffer.putInt(index + 8, (int)crc.getValue());
        position += length;
        logOffset += length;
        return offset;
    }

    /**
     * @return records written so far (for checks).
     */
    long records()
    {
        return queueOffset;
    }
}

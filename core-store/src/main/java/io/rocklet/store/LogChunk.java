package io.rocklet.store;

import io.rocklet.store.internal.log.RecordDescriptor;

/**
 * Raw commit-log bytes as stored: whole records (and, at a segment's end, its filler), read by
 * {@link MessageStore#readLog} on a master and appended unchanged by {@link MessageStore#appendLog} on a slave.
 *
 * @param offset     the log offset of the first byte.
 * @param nextOffset where the log continues after these bytes: {@code offset + bytes.length}, or the next segment's
 *                   start when the chunk ends with a filler.
 * @param bytes      the records; empty when nothing was there yet.
 */
public record LogChunk(long offset, long nextOffset, byte[] bytes)
{
    /**
     * @return true when the chunk carries no bytes.
     */
    public boolean isEmpty()
    {
        return bytes.length == 0;
    }

    /**
     * @return how many message records the chunk holds (fillers and skipped damaged ranges not counted).
     */
    public int messageCount()
    {
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        int position = 0;
        while (position + RecordDescriptor.MAGIC_OFFSET + Integer.BYTES <= bytes.length)
        {
            final int length = buffer.getInt(position + RecordDescriptor.LENGTH_OFFSET);
            if (length <= 0)
            {
                break;
            }
            if (buffer.getInt(position + RecordDescriptor.MAGIC_OFFSET) == RecordDescriptor.RECORD_MAGIC)
            {
                count++;
            }
            position += length;
        }
        return count;
    }
}

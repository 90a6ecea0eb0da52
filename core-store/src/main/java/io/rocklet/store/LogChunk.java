package io.rocklet.store;

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
}

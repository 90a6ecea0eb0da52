package io.rocklet.store.internal.index;

/**
 * Layout of a key-index file: a header, a hash-slot table and an array of entries chained per slot
 * (newest first), as RocketMQ's index files. Little-endian.
 *
 * <pre>
 * header (64 bytes)
 *   0  4  magic {@link #MAGIC}
 *   4  4  slot count
 *   8  4  entry capacity
 *  12  4  entry count (written after the entry and its slot)
 *  16  8  lowest store timestamp indexed, ms
 *  24  8  highest store timestamp indexed, ms
 *  32  8  lowest log offset indexed
 *  40  8  highest log offset indexed
 * slots (slot count x 4 bytes) at 64: number of the newest entry in the slot plus one, 0 if none
 * entries (entry capacity x 24 bytes) after the slots:
 *   0  4  hash of "topic#key"
 *   4  4  number of the previous entry in the same slot plus one, 0 if none
 *   8  8  log offset of the record
 *  16  8  store timestamp of the record, ms
 * </pre>
 */
public final class IndexDescriptor
{
    public static final int MAGIC = 0x524B4958;
    public static final int MAGIC_OFFSET = 0;
    public static final int SLOT_COUNT_OFFSET = 4;
    public static final int ENTRY_CAPACITY_OFFSET = 8;
    public static final int ENTRY_COUNT_OFFSET = 12;
    public static final int BEGIN_TIMESTAMP_OFFSET = 16;
    public static final int END_TIMESTAMP_OFFSET = 24;
    public static final int BEGIN_LOG_OFFSET_OFFSET = 32;
    public static final int END_LOG_OFFSET_OFFSET = 40;
    public static final int HEADER_LENGTH = 64;
    public static final int SLOT_LENGTH = 4;

    public static final int ENTRY_HASH_OFFSET = 0;
    public static final int ENTRY_PREV_OFFSET = 4;
    public static final int ENTRY_LOG_OFFSET_OFFSET = 8;
    public static final int ENTRY_TIMESTAMP_OFFSET = 16;
    public static final int ENTRY_LENGTH = 24;

    private IndexDescriptor()
    {
    }

    public static long fileBytes(final int slotCount, final int entryCapacity)
    {
        return HEADER_LENGTH + (long)slotCount * SLOT_LENGTH + (long)entryCapacity * ENTRY_LENGTH;
    }

    /**
     * FNV-1a over the topic's bytes, {@code '#'} and the key's UTF-8 bytes.
     */
    public static int hash(final byte[] topic, final org.agrona.DirectBuffer keyBuffer, final int keyIndex,
        final int keyLength)
    {
        int h = 0x811C9DC5;
        for (final byte b : topic)
        {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        h = (h ^ '#') * 0x01000193;
        for (int i = 0; i < keyLength; i++)
        {
            h = (h ^ (keyBuffer.getByte(keyIndex + i) & 0xFF)) * 0x01000193;
        }
        return h;
    }

    /**
     * {@link #hash(byte[], org.agrona.DirectBuffer, int, int)} with the topic read from a buffer.
     */
    public static int hash(final org.agrona.DirectBuffer topicBuffer, final int topicIndex, final int topicLength,
        final org.agrona.DirectBuffer keyBuffer, final int keyIndex, final int keyLength)
    {
        int h = 0x811C9DC5;
        for (int i = 0; i < topicLength; i++)
        {
            h = (h ^ (topicBuffer.getByte(topicIndex + i) & 0xFF)) * 0x01000193;
        }
        h = (h ^ '#') * 0x01000193;
        for (int i = 0; i < keyLength; i++)
        {
            h = (h ^ (keyBuffer.getByte(keyIndex + i) & 0xFF)) * 0x01000193;
        }
        return h;
    }
}

package io.rocklet.store.internal.log;

/**
 * Layout of one commit-log record. All integers are little-endian. A record is written whole before
 * anyone can find it (through a consume queue, the key index or its id).
 *
 * <pre>
 * offset size field
 *   0     4   total length of the record, header included
 *   4     4   magic and format version ({@link #RECORD_MAGIC}; {@link #FILLER_MAGIC} for a filler)
 *   8     4   CRC32C of bytes [12, total length)
 *  12     4   queue id
 *  16     8   queue offset (dense per topic and queue)
 *  24     8   log offset of this record
 *  32     4   flags (opaque to the store)
 *  36     4   reconsume count
 *  40     8   born timestamp, ms since the epoch (set by the producer)
 *  48     8   store timestamp, ms since the epoch (non-decreasing in log order)
 *  56     8   prepared-transaction offset
 *  64     4   body length
 *  68     1   topic length (unsigned, at most 127; topics are ASCII)
 *  69     1   producer-id length (unsigned, UTF-8 bytes)
 *  70     2   tag length (unsigned, UTF-8 bytes)
 *  72     2   keys block length (unsigned)
 *  74     2   properties block length (unsigned)
 *  76     2   key count
 *  78     2   property count
 *  80     .   topic, producer id, tag, keys block, properties block, body - in that order
 * </pre>
 *
 * The keys block is {@code key count} times {@code [u16 length][UTF-8 bytes]}; the properties block
 * is {@code property count} times {@code [u16 length][name][u16 length][value]}.
 *
 * <p>A message's unique id ({@link io.rocklet.api.UniqueMessageIds}) is the property named
 * {@link io.rocklet.api.SystemProperties#UNIQUE_ID} ({@link #UNIQUE_ID_PROPERTY}); the dispatcher indexes it.
 *
 * <p>A record that does not fit in the rest of a segment is preceded by a filler: {@code [length]
 * [FILLER_MAGIC]} spanning the segment up to its trailer. The last {@link #SEGMENT_TRAILER_LENGTH}
 * bytes of every segment are a trailer: {@code [store timestamp of the last record: 8][SEAL_MAGIC: 4]
 * [unused: 4]}, written when the segment is sealed.
 *
 * <p>A damaged range that recovery skipped (its bytes copied to the quarantine directory first) starts
 * with a gap header: {@code [length][GAP_MAGIC]}, followed by zeros up to the next intact record (or the
 * end of the segment's usable bytes). Scans step over it like a record; reads of it are errors.
 */
public final class RecordDescriptor
{
    public static final int LENGTH_OFFSET = 0;
    public static final int MAGIC_OFFSET = 4;
    public static final int CRC_OFFSET = 8;
    public static final int QUEUE_ID_OFFSET = 12;
    public static final int QUEUE_OFFSET_OFFSET = 16;
    public static final int LOG_OFFSET_OFFSET = 24;
    public static final int FLAGS_OFFSET = 32;
    public static final int RECONSUME_TIMES_OFFSET = 36;
    public static final int BORN_TIMESTAMP_OFFSET = 40;
    public static final int STORE_TIMESTAMP_OFFSET = 48;
    public static final int PREPARED_TX_OFFSET_OFFSET = 56;
    public static final int BODY_LENGTH_OFFSET = 64;
    public static final int TOPIC_LENGTH_OFFSET = 68;
    public static final int PRODUCER_ID_LENGTH_OFFSET = 69;
    public static final int TAG_LENGTH_OFFSET = 70;
    public static final int KEYS_LENGTH_OFFSET = 72;
    public static final int PROPERTIES_LENGTH_OFFSET = 74;
    public static final int KEY_COUNT_OFFSET = 76;
    public static final int PROPERTY_COUNT_OFFSET = 78;
    public static final int HEADER_LENGTH = 80;

    /** Name of the unique-id property, ASCII. Do not modify. */
    public static final byte[] UNIQUE_ID_PROPERTY =
        io.rocklet.api.SystemProperties.UNIQUE_ID.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The CRC covers the record from here to its end. */
    public static final int CRC_START = QUEUE_ID_OFFSET;

    /** "RKL" and format version 1. */
    public static final int RECORD_MAGIC = 0x524B4C01;
    /** "RKLF": skip to the next segment. */
    public static final int FILLER_MAGIC = 0x524B4C46;
    /** "RKLG": a quarantined, damaged range; skip {@code length} bytes. */
    public static final int GAP_MAGIC = 0x524B4C47;
    /** "SEAL": the segment trailer was written. */
    public static final int SEAL_MAGIC = 0x5345414C;

    /** Smallest filler: length and magic. Every record leaves room for one. */
    public static final int MIN_FILLER_LENGTH = 8;
    public static final int SEGMENT_TRAILER_LENGTH = 16;
    public static final int TRAILER_TIMESTAMP_OFFSET = 0;
    public static final int TRAILER_MAGIC_OFFSET = 8;

    private RecordDescriptor()
    {
    }

    /**
     * @param segmentSize bytes in a segment.
     * @return the largest record a segment can hold.
     */
    public static int maxRecordLength(final int segmentSize)
    {
        return segmentSize - SEGMENT_TRAILER_LENGTH - MIN_FILLER_LENGTH;
    }
}

package io.rocklet.store.internal.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * A reader's checks of one record before it hands the record out, so that damage is an error for that
 * record and never garbage: the header sits at the offset it claims, with the expected length and
 * consistent field lengths; with {@code verifyCrc}, the CRC32C matches too. One reader thread per instance.
 */
public final class RecordChecks
{
    /** Pass as the expected size when any record length is fine (lookups by id or key). */
    public static final int ANY_SIZE = Integer.MIN_VALUE;

    private final boolean verifyCrc;
    private final RecordView view = new RecordView();
    private CRC32C crc;
    private LogSegment aliasSegment;
    private ByteBuffer alias;

    public RecordChecks(final boolean verifyCrc)
    {
        this.verifyCrc = verifyCrc;
    }

    /**
     * @param index        where the record starts in {@code segment}.
     * @param logOffset    the log offset it must claim.
     * @param expectedSize its length according to the consume queue, or {@link #ANY_SIZE}.
     * @return true when the record can be handed out.
     */
    public boolean intact(final LogSegment segment, final int index, final long logOffset, final int expectedSize)
    {
        final int usable = segment.usableBytes();
        if (index < 0 || index + HEADER_LENGTH > usable)
        {
            return false;
        }
        view.wrap(segment.buffer(), index);
        final int length = view.length();
        if (view.magic() != RECORD_MAGIC || view.logOffset() != logOffset || length < HEADER_LENGTH ||
            index + (long)length > usable || (expectedSize != ANY_SIZE && length != expectedSize) || !view.isWellFormed())
        {
            return false;
        }
        return !verifyCrc || crcMatches(segment, index, length);
    }

    /**
     * @return true when the CRC32C stored in the record at {@code index} (of {@code length} bytes, which fit the
     *     segment) matches its bytes.
     */
    public boolean crcMatches(final LogSegment segment, final int index, final int length)
    {
        if (crc == null)
        {
            crc = new CRC32C();
        }
        if (segment != aliasSegment)
        {
            alias = segment.region().newAlias();
            aliasSegment = segment;
        }
        crc.reset();
        alias.limit(index + length).position(index + CRC_START);
        crc.update(alias);
        return (int)crc.getValue() == segment.buffer().getInt(index + CRC_OFFSET);
    }
}

package io.rocklet.store.internal.replica;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.store.internal.log.RecordView;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32C;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * Walks the entries of a replicated chunk as they arrive and checks each before the slave stores it: its length fits
 * the chunk and the segment, a record's CRC32C matches and it claims the log offset it will be stored at, a filler ends
 * the segment exactly (a slave whose segment size differs from the master's fails here). One thread (the append-lock
 * holder).
 */
public final class ReplicatedRecords
{
    /** What the entry at the cursor is. */
    public enum Kind
    {
        RECORD, FILLER, GAP
    }

    private final UnsafeBuffer chunk = new UnsafeBuffer(new byte[0]);
    private final RecordView view = new RecordView();
    private final CRC32C crc = new CRC32C();
    private byte[] bytes;
    private long chunkOffset;

    /**
     * Starts walking {@code bytes}, which belong at log offset {@code offset}.
     */
    public void wrap(final byte[] bytes, final long offset)
    {
        this.bytes = bytes;
        this.chunkOffset = offset;
        chunk.wrap(bytes);
    }

    public UnsafeBuffer buffer()
    {
        return chunk;
    }

    /**
     * @return the record at {@code index} (valid after {@link #check} answered {@link Kind#RECORD}).
     */
    public RecordView view()
    {
        return view;
    }

    /**
     * Checks the entry at {@code index} of the chunk, to be stored at {@code position}, {@code segmentIndex} bytes
     * into a segment of {@code usable} usable bytes.
     *
     * @return its kind; its length is {@code buffer().getInt(index)}.
     * @throws InvalidArgumentException naming the offset and what is wrong.
     */
    public Kind check(final int index, final long position, final int segmentIndex, final int usable)
    {
        if (index + MIN_FILLER_LENGTH > bytes.length)
        {
            throw bad(index, position, "chunk ends inside an entry header");
        }
        final int length = chunk.getInt(index + LENGTH_OFFSET);
        final int magic = chunk.getInt(index + MAGIC_OFFSET);
        if (length < MIN_FILLER_LENGTH || index + (long)length > bytes.length)
        {
            throw bad(index, position, "entry length " + length + " does not fit the chunk of " + bytes.length);
        }
        if (magic == FILLER_MAGIC)
        {
            if (segmentIndex + length != usable)
            {
                throw bad(index, position, "filler of " + length + " bytes does not end the segment (" + usable +
                    " usable bytes): is the slave's segment size the master's?");
            }
            return Kind.FILLER;
        }
        if (segmentIndex + (long)length > usable)
        {
            throw bad(index, position, "entry of " + length + " bytes does not fit the segment: is the slave's " +
                "segment size the master's?");
        }
        if (magic == GAP_MAGIC)
        {
            return Kind.GAP;
        }
        if (magic != RECORD_MAGIC || length < HEADER_LENGTH)
        {
            throw bad(index, position, "bad magic " + Integer.toHexString(magic) + " or length " + length);
        }
        crc.reset();
        crc.update(bytes, index + CRC_START, length - CRC_START);
        if ((int)crc.getValue() != chunk.getInt(index + CRC_OFFSET))
        {
            throw bad(index, position, "CRC mismatch");
        }
        view.wrap(chunk, index);
        if (!view.isWellFormed() || view.logOffset() != position)
        {
            throw bad(index, position, "record claims log offset " + view.logOffset());
        }
        if (segmentIndex + length + MIN_FILLER_LENGTH > usable)
        {
            throw bad(index, position, "record leaves no room for a filler: is the slave's segment size the master's?");
        }
        return Kind.RECORD;
    }

    private InvalidArgumentException bad(final int index, final long position, final String problem)
    {
        return new InvalidArgumentException("replicated bytes refused: chunkOffset=" + chunkOffset + ", offset=" +
            position + ", chunkIndex=" + index + ", problem=" + problem);
    }
}

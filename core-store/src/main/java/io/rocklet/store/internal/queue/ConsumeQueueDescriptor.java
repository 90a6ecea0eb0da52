package io.rocklet.store.internal.queue;

/**
 * Layout of a consume-queue file: {@code entriesPerFile} fixed-size entries, entry {@code i} of the
 * file named {@code F} describing queue offset {@code F + i}. Little-endian.
 *
 * <pre>
 * offset size field
 *   0     8   log offset of the record
 *   8     4   record length in bytes (never 0 for a written entry)
 *  12     8   tag code (hash of the tag, 0 for none)
 * </pre>
 *
 * An entry whose length is 0 was never written. An entry whose length is {@link #HOLE_SIZE} stands for a
 * record that recovery found damaged and quarantined: it keeps the later entries at their offsets, and a
 * read of it is an error for that record only. Its log offset is that of the queue's next intact record.
 */
public final class ConsumeQueueDescriptor
{
    public static final int LOG_OFFSET_OFFSET = 0;
    public static final int SIZE_OFFSET = 8;
    public static final int TAG_CODE_OFFSET = 12;
    public static final int ENTRY_LENGTH = 20;
    /** Length field of an entry whose record was lost to damage. */
    public static final int HOLE_SIZE = -1;

    private ConsumeQueueDescriptor()
    {
    }
}

package io.rocklet.store.internal.index;

import io.rocklet.store.internal.file.MappedRegion;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import static io.rocklet.store.internal.index.IndexDescriptor.*;

/**
 * One key-index file ({@link IndexDescriptor}). The dispatcher is the only writer; an entry and its
 * slot are written before the entry count, so readers on any thread see whole entries.
 */
public final class IndexFile
{
    private final long baseLogOffset;
    private final MappedRegion region;
    private final UnsafeBuffer buffer;
    private final int slotCount;
    private final int entryCapacity;
    private final int entriesStart;
    private int syncedCount = -1;

    private IndexFile(final long baseLogOffset, final MappedRegion region)
    {
        this.baseLogOffset = baseLogOffset;
        this.region = region;
        this.buffer = region.buffer();
        this.slotCount = buffer.getInt(SLOT_COUNT_OFFSET);
        this.entryCapacity = buffer.getInt(ENTRY_CAPACITY_OFFSET);
        this.entriesStart = HEADER_LENGTH + slotCount * SLOT_LENGTH;
    }

    /**
     * Wraps a mapped file, initialising the header of a new (all-zero) one.
     *
     * @return the file, or null when its header does not match the expected geometry (damaged).
     */
    public static IndexFile open(final long baseLogOffset, final MappedRegion region, final int slotCount,
        final int entryCapacity)
    {
        final UnsafeBuffer buffer = region.buffer();
        if (buffer.getInt(MAGIC_OFFSET) == 0 && buffer.getInt(ENTRY_COUNT_OFFSET) == 0)
        {
            buffer.putInt(SLOT_COUNT_OFFSET, slotCount);
            buffer.putInt(ENTRY_CAPACITY_OFFSET, entryCapacity);
            buffer.putLong(BEGIN_TIMESTAMP_OFFSET, Long.MAX_VALUE);
            buffer.putLong(END_TIMESTAMP_OFFSET, Long.MIN_VALUE);
            buffer.putLong(BEGIN_LOG_OFFSET_OFFSET, Long.MAX_VALUE);
            buffer.putLong(END_LOG_OFFSET_OFFSET, -1L);
            buffer.putIntOrdered(MAGIC_OFFSET, MAGIC);
        }
        if (buffer.getInt(MAGIC_OFFSET) != MAGIC || buffer.getInt(SLOT_COUNT_OFFSET) != slotCount ||
            buffer.getInt(ENTRY_CAPACITY_OFFSET) != entryCapacity)
        {
            return null;
        }
        return new IndexFile(baseLogOffset, region);
    }

    public long baseLogOffset()
    {
        return baseLogOffset;
    }

    public MappedRegion region()
    {
        return region;
    }

    public int entryCount()
    {
        return buffer.getIntVolatile(ENTRY_COUNT_OFFSET);
    }

    public boolean isFull()
    {
        return entryCount() >= entryCapacity;
    }

    public long beginTimestampMs()
    {
        return buffer.getLong(BEGIN_TIMESTAMP_OFFSET);
    }

    public long endTimestampMs()
    {
        return buffer.getLong(END_TIMESTAMP_OFFSET);
    }

    public long endLogOffset()
    {
        return buffer.getLong(END_LOG_OFFSET_OFFSET);
    }

    /**
     * Adds an entry. Writer only.
     *
     * @return false when the file is full.
     */
    public boolean put(final int hash, final long logOffset, final long storeTimestampMs)
    {
        final int count = buffer.getInt(ENTRY_COUNT_OFFSET);
        if (count >= entryCapacity)
        {
            return false;
        }
        final int slot = slotIndex(hash);
        final int entry = entriesStart + count * ENTRY_LENGTH;
        buffer.putInt(entry + ENTRY_HASH_OFFSET, hash);
        buffer.putInt(entry + ENTRY_PREV_OFFSET, buffer.getInt(slot));
        buffer.putLong(entry + ENTRY_LOG_OFFSET_OFFSET, logOffset);
        buffer.putLong(entry + ENTRY_TIMESTAMP_OFFSET, storeTimestampMs);
        buffer.putIntOrdered(slot, count + 1);
        if (storeTimestampMs < buffer.getLong(BEGIN_TIMESTAMP_OFFSET))
        {
            buffer.putLong(BEGIN_TIMESTAMP_OFFSET, storeTimestampMs);
        }
        if (storeTimestampMs > buffer.getLong(END_TIMESTAMP_OFFSET))
        {
            buffer.putLong(END_TIMESTAMP_OFFSET, storeTimestampMs);
        }
        if (logOffset < buffer.getLong(BEGIN_LOG_OFFSET_OFFSET))
        {
            buffer.putLong(BEGIN_LOG_OFFSET_OFFSET, logOffset);
        }
        if (logOffset > buffer.getLong(END_LOG_OFFSET_OFFSET))
        {
            buffer.putLong(END_LOG_OFFSET_OFFSET, logOffset);
        }
        buffer.putIntOrdered(ENTRY_COUNT_OFFSET, count + 1);
        return true;
    }

    /**
     * Collects log offsets of entries with {@code hash} stored within [{@code beginMs}, {@code endMs}].
     *
     * @return how many were added to {@code out}.
     */
    public int query(final int hash, final long beginMs, final long endMs, final int max, final LongArrayList out)
    {
        final int count = entryCount();
        int next = buffer.getIntVolatile(slotIndex(hash)) - 1;
        int found = 0;
        int steps = 0;
        while (next >= 0 && next < count && found < max && steps++ < count)
        {
            final int entry = entriesStart + next * ENTRY_LENGTH;
            final long timestamp = buffer.getLong(entry + ENTRY_TIMESTAMP_OFFSET);
            if (buffer.getInt(entry + ENTRY_HASH_OFFSET) == hash && timestamp >= beginMs && timestamp <= endMs)
            {
                out.addLong(buffer.getLong(entry + ENTRY_LOG_OFFSET_OFFSET));
                found++;
            }
            final int previous = buffer.getInt(entry + ENTRY_PREV_OFFSET) - 1;
            if (previous >= next)
            {
                break; // chains only point backwards; anything else is damage
            }
            next = previous;
        }
        return found;
    }

    /** Tells whether a log record is indexed under a hash: recovery checks each entry against the log. */
    @FunctionalInterface
    public interface EntryCheck
    {
        boolean matches(int hash, long logOffset, long storeTimestampMs);
    }

    /**
     * Checks the file's structure and every entry: the count fits, chains only point backwards, every entry
     * hangs in the chain of its hash's slot exactly once, and {@code check} accepts each entry's record.
     * Recovery only.
     *
     * @return false when the file is damaged.
     */
    public boolean verify(final EntryCheck check)
    {
        final int count = entryCount();
        if (count < 0 || count > entryCapacity)
        {
            return false;
        }
        for (int i = 0; i < count; i++)
        {
            final int entry = entriesStart + i * ENTRY_LENGTH;
            final int previous = buffer.getInt(entry + ENTRY_PREV_OFFSET) - 1;
            if (previous < -1 || previous >= i ||
                !check.matches(buffer.getInt(entry + ENTRY_HASH_OFFSET), buffer.getLong(entry + ENTRY_LOG_OFFSET_OFFSET),
                    buffer.getLong(entry + ENTRY_TIMESTAMP_OFFSET)))
            {
                return false;
            }
        }
        long reached = 0;
        for (int slot = HEADER_LENGTH; slot < entriesStart; slot += SLOT_LENGTH)
        {
            int next = buffer.getInt(slot) - 1;
            if (next < -1 || next >= count)
            {
                return false;
            }
            while (next >= 0)
            {
                final int entry = entriesStart + next * ENTRY_LENGTH;
                if (slotIndex(buffer.getInt(entry + ENTRY_HASH_OFFSET)) != slot || ++reached > count)
                {
                    return false;
                }
                next = buffer.getInt(entry + ENTRY_PREV_OFFSET) - 1;
            }
        }
        return reached == count;
    }

    /**
     * After a crash the persisted count may lag entries that reached the disk; count them back in so
     * that new entries do not overwrite ones that slots already point to. Recovery only.
     */
    public void recountEntries()
    {
        int count = buffer.getInt(ENTRY_COUNT_OFFSET);
        while (count < entryCapacity)
        {
            final int entry = entriesStart + count * ENTRY_LENGTH;
            final int hash = buffer.getInt(entry + ENTRY_HASH_OFFSET);
            if (buffer.getLong(entry + ENTRY_TIMESTAMP_OFFSET) == 0 && hash == 0)
            {
                break;
            }
            // a put links its entry into its slot last: an entry its slot does not reach was cut short by the crash
            if (buffer.getInt(slotIndex(hash)) - 1 < count)
            {
                break;
            }
            count++;
        }
        buffer.putIntOrdered(ENTRY_COUNT_OFFSET, count);
    }

    /**
     * @return true when entries were added since the last {@link #sync()}.
     */
    public boolean isDirty()
    {
        return entryCount() != syncedCount;
    }

    /**
     * Writes the file to disk. One flusher at a time.
     */
    public void sync()
    {
        final int count = entryCount();
        region.syncAll();
        syncedCount = count;
    }

    private int slotIndex(final int hash)
    {
        return HEADER_LENGTH + (int)((hash & 0xFFFFFFFFL) % slotCount) * SLOT_LENGTH;
    }
}

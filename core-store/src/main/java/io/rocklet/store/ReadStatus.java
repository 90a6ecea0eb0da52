package io.rocklet.store;

/**
 * The outcome of a read from a queue; {@link ReadResult#nextOffset()} always says where to read next.
 */
public enum ReadStatus
{
    /** Messages were found. */
    FOUND,
    /** Entries were scanned but none matched the tag filter; continue from the next offset. */
    NO_MATCHED_MESSAGE,
    /** The offset equals the queue's maximum: nothing new yet. */
    NO_NEW_MESSAGES,
    /** The offset is below the queue's minimum (deleted by retention); the next offset is the minimum. */
    OFFSET_TOO_OLD,
    /** The offset is beyond the queue's maximum; the next offset is the maximum. */
    OFFSET_OVERFLOW,
    /**
     * The message at the offset is damaged (its record fails its checks, or recovery quarantined it); it
     * cannot be read. The next offset is the one after it.
     */
    DAMAGED_MESSAGE,
    /** The store has never had a message for this topic and queue. */
    NO_SUCH_QUEUE
}

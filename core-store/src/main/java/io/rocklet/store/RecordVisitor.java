package io.rocklet.store;

/**
 * Receives the messages of a {@link MessageStore#scan} one at a time, without copying.
 */
@FunctionalInterface
public interface RecordVisitor
{
    /**
     * @param record the message; valid only during this call.
     * @return true to go on, false to stop after this message.
     */
    boolean onRecord(StoredRecord record);
}

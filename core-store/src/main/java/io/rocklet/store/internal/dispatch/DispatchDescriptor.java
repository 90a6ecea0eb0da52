package io.rocklet.store.internal.dispatch;

/**
 * Layout of the event the append path puts on the dispatch ring for every stored record (message
 * type {@link #MSG_APPENDED}). Native byte order; the ring adds its own 8-byte header.
 *
 * <pre>
 * offset size field
 *   0     4   topic id (see TopicTable)
 *   4     4   queue id
 *   8     8   queue offset
 *  16     8   log offset
 *  24     4   record length
 *  28     4   key count
 *  32     8   tag code
 *  40     8   store timestamp, ms
 * </pre>
 *
 * A topic's deletion travels as type {@link #MSG_TOPIC_RESET} in the same layout, with only the topic id and
 * (as log offset) the watermark set: the dispatcher resets the topic's queues between the last record
 * stored before the delete and the first one after it.
 */
public final class DispatchDescriptor
{
    public static final int MSG_APPENDED = 1;
    public static final int MSG_TOPIC_RESET = 2;

    public static final int TOPIC_ID_OFFSET = 0;
    public static final int QUEUE_ID_OFFSET = 4;
    public static final int QUEUE_OFFSET_OFFSET = 8;
    public static final int LOG_OFFSET_OFFSET = 16;
    public static final int SIZE_OFFSET = 24;
    public static final int KEY_COUNT_OFFSET = 28;
    public static final int TAG_CODE_OFFSET = 32;
    public static final int STORE_TIMESTAMP_OFFSET = 40;
    public static final int EVENT_LENGTH = 48;

    private DispatchDescriptor()
    {
    }
}

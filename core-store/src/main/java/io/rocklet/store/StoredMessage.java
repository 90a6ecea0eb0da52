package io.rocklet.store;

import io.rocklet.api.MessageView;
import io.rocklet.store.internal.log.RecordView;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * A message read from the store. It views one copy of the stored record (the only copy of the body
 * a read makes; the messages of one read share one array) and decodes the other fields from it when
 * asked. Immutable and thread-safe.
 */
public final class StoredMessage implements MessageView
{
    private final byte[] data;
    private final int offset;
    private final int length;
    private final String topic;
    private final int storeTag;
    private final int bodyStart;

    /**
     * @param record   a copy of the whole record.
     * @param topic    the topic (passed in so that reads share one string per topic).
     * @param storeTag the tag of the store the record comes from, for the message id.
     */
    public StoredMessage(final byte[] record, final String topic, final int storeTag)
    {
        this(record, 0, record.length, topic, storeTag);
    }

    /**
     * @param data     an array holding a copy of the record (and possibly other records).
     * @param offset   where the record starts in {@code data}.
     * @param length   the record's length.
     * @param topic    the topic (passed in so that reads share one string per topic).
     * @param storeTag the tag of the store the record comes from, for the message id.
     */
    public StoredMessage(final byte[] data, final int offset, final int length, final String topic, final int storeTag)
    {
        this.data = data;
        this.offset = offset;
        this.length = length;
        this.topic = topic;
        this.storeTag = storeTag;
        this.bodyStart = offset + length - bodySize();
    }

    /**
     * @return the unique id the message carries, or (for a record stored without one, through the store alone) its
     *     offset id.
     */
    @Override
    public String messageId()
    {
        final String unique = view().property(UNIQUE_ID_PROPERTY);
        return unique != null ? unique : offsetMessageId();
    }

    @Override
    public String offsetMessageId()
    {
        return MessageIds.encode(storeTag, logOffset());
    }

    @Override
    public String topic()
    {
        return topic;
    }

    @Override
    public String tag()
    {
        return view().tag();
    }

    @Override
    public List<String> keys()
    {
        return view().keys();
    }

    @Override
    public Map<String, String> properties()
    {
        return view().properties();
    }

    @Override
    public ByteBuffer body()
    {
        return ByteBuffer.wrap(data, bodyStart, bodySize()).slice().asReadOnlyBuffer();
    }

    @Override
    public int bodySize()
    {
        return Bytes.getInt(data, offset + BODY_LENGTH_OFFSET);
    }

    @Override
    public byte[] bodyBytes()
    {
        return Arrays.copyOfRange(data, bodyStart, offset + length);
    }

    @Override
    public int queueId()
    {
        return Bytes.getInt(data, offset + QUEUE_ID_OFFSET);
    }

    @Override
    public long queueOffset()
    {
        return Bytes.getLong(data, offset + QUEUE_OFFSET_OFFSET);
    }

    @Override
    public long logOffset()
    {
        return Bytes.getLong(data, offset + LOG_OFFSET_OFFSET);
    }

    @Override
    public long bornTimestampMs()
    {
        return Bytes.getLong(data, offset + BORN_TIMESTAMP_OFFSET);
    }

    @Override
    public long storeTimestampMs()
    {
        return Bytes.getLong(data, offset + STORE_TIMESTAMP_OFFSET);
    }

    @Override
    public int reconsumeTimes()
    {
        return Bytes.getInt(data, offset + RECONSUME_TIMES_OFFSET);
    }

    @Override
    public String producerId()
    {
        return view().producerId();
    }

    /**
     * @return the flags stored with the record.
     */
    public int flags()
    {
        return Bytes.getInt(data, offset + FLAGS_OFFSET);
    }

    /**
     * @return the prepared-transaction offset stored with the record.
     */
    public long preparedTransactionOffset()
    {
        return Bytes.getLong(data, offset + PREPARED_TX_OFFSET_OFFSET);
    }

    /**
     * @return the size of the record in the log, in bytes.
     */
    public int recordBytes()
    {
        return length;
    }

    private RecordView view()
    {
        return new RecordView().wrap(new UnsafeBuffer(data, offset, length), 0);
    }

    @Override
    public String toString()
    {
        return "StoredMessage{topic=" + topic + ", queueId=" + queueId() + ", queueOffset=" + queueOffset() +
            ", logOffset=" + logOffset() + ", bodyBytes=" + bodySize() + '}';
    }

    /** Little-endian reads from a byte array. */
    private static final class Bytes
    {
        private static final java.lang.invoke.VarHandle INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
        private static final java.lang.invoke.VarHandle LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

        static int getInt(final byte[] bytes, final int index)
        {
            return (int)INT.get(bytes, index);
        }

        static long getLong(final byte[] bytes, final int index)
        {
            return (long)LONG.get(bytes, index);
        }
    }
}

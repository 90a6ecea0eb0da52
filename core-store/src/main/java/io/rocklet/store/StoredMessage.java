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
 * A message read from the store. It holds one copy of the stored record (the only copy of the body
 * a read makes) and decodes the other fields from it when asked. Immutable and thread-safe.
 */
public final class StoredMessage implements MessageView
{
    private final byte[] record;
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
        this.record = record;
        this.topic = topic;
        this.storeTag = storeTag;
        this.bodyStart = record.length - bodySize();
    }

    @Override
    public String messageId()
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
        return ByteBuffer.wrap(record, bodyStart, bodySize()).slice().asReadOnlyBuffer();
    }

    @Override
    public int bodySize()
    {
        return Bytes.getInt(record, BODY_LENGTH_OFFSET);
    }

    @Override
    public byte[] bodyBytes()
    {
        return Arrays.copyOfRange(record, bodyStart, record.length);
    }

    @Override
    public int queueId()
    {
        return Bytes.getInt(record, QUEUE_ID_OFFSET);
    }

    @Override
    public long queueOffset()
    {
        return Bytes.getLong(record, QUEUE_OFFSET_OFFSET);
    }

    @Override
    public long logOffset()
    {
        return Bytes.getLong(record, LOG_OFFSET_OFFSET);
    }

    @Override
    public long bornTimestampMs()
    {
        return Bytes.getLong(record, BORN_TIMESTAMP_OFFSET);
    }

    @Override
    public long storeTimestampMs()
    {
        return Bytes.getLong(record, STORE_TIMESTAMP_OFFSET);
    }

    @Override
    public int reconsumeTimes()
    {
        return Bytes.getInt(record, RECONSUME_TIMES_OFFSET);
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
        return Bytes.getInt(record, FLAGS_OFFSET);
    }

    /**
     * @return the prepared-transaction offset stored with the record.
     */
    public long preparedTransactionOffset()
    {
        return Bytes.getLong(record, PREPARED_TX_OFFSET_OFFSET);
    }

    /**
     * @return the size of the record in the log, in bytes.
     */
    public int recordBytes()
    {
        return record.length;
    }

    private RecordView view()
    {
        return new RecordView().wrap(new UnsafeBuffer(record), 0);
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

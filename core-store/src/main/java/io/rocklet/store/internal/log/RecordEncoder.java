package io.rocklet.store.internal.log;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.store.AppendRequest;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * Writes records in the {@link RecordDescriptor} layout straight into a mapped segment, CRC
 * included, without allocating. {@link #measure} validates a request and sizes it; {@link #encode}
 * then writes the request last measured. Owned by the thread holding the append lock.
 */
public final class RecordEncoder
{
    private static final int MAX_PRODUCER_ID_BYTES = 255;
    private static final int KEPT_FIELDS = 5;

    private final CRC32C crc = new CRC32C();
    private final int maxBodyBytes;
    private final int maxPropertiesBytes;
    private final int maxRecordLength;

    private int producerIdLength;
    private int tagLength;
    private int keysLength;
    private int propertiesLength;
    private int recordLength;
    /** The lengths {@link #keepMeasured} kept for the records of a batch, {@link #KEPT_FIELDS} ints each. */
    private int[] kept = new int[32 * KEPT_FIELDS];

    public RecordEncoder(final int maxBodyBytes, final int maxPropertiesBytes, final int segmentSize)
    {
        this.maxBodyBytes = maxBodyBytes;
        this.maxPropertiesBytes = maxPropertiesBytes;
        this.maxRecordLength = RecordDescriptor.maxRecordLength(segmentSize);
    }

    /**
     * Validates {@code request} against the limits and computes its record length.
     *
     * @param request     the request.
     * @param topicLength bytes of the (ASCII) topic name.
     * @return the record length in bytes.
     * @throws InvalidArgumentException naming the topic and the limit broken.
     */
    public int measure(final AppendRequest request, final int topicLength)
    {
        final Message message = request.message();
        final int bodyLength = message.body().length;
        if (bodyLength > maxBodyBytes)
        {
            throw new InvalidArgumentException(ErrorCode.MESSAGE_TOO_LARGE, "message body too large: topic=" +
                message.topic() + ", bodyBytes=" + bodyLength + ", maxBodyBytes=" + maxBodyBytes);
        }
        producerIdLength = Utf8.encodedLength(request.producerId());
        if (producerIdLength > MAX_PRODUCER_ID_BYTES)
        {
            throw new InvalidArgumentException("producer id too long: topic=" + message.topic() + ", producerIdBytes=" +
                producerIdLength + ", max=" + MAX_PRODUCER_ID_BYTES);
        }
        tagLength = Utf8.encodedLength(message.tag());
        keysLength = keysLength(message.keys());
        propertiesLength = message.properties().isEmpty() ? 0 : propertiesLength(message.properties());
        final int variable = producerIdLength + tagLength + keysLength + propertiesLength;
        if (variable > maxPropertiesBytes)
        {
            throw new InvalidArgumentException(ErrorCode.PROPERTIES_TOO_LARGE, "message properties too large: topic=" +
                message.topic() + ", propertiesBytes=" + variable + " (producer id, tag, keys and properties), max=" +
                maxPropertiesBytes);
        }
        recordLength = HEADER_LENGTH + topicLength + variable + bodyLength;
        if (recordLength > maxRecordLength)
        {
            throw new InvalidArgumentException(ErrorCode.MESSAGE_TOO_LARGE, "message does not fit a segment: topic=" +
                message.topic() + ", recordBytes=" + recordLength + ", maxRecordBytes=" + maxRecordLength);
        }
        return recordLength;
    }

    /**
     * Keeps what {@link #measure} just computed as record {@code position} of a batch, so that the batch is measured
     * once: every record first (all refused or none), then each written after {@link #restoreMeasured}.
     */
    public void keepMeasured(final int position)
    {
        final int at = position * KEPT_FIELDS;
        if (at + KEPT_FIELDS > kept.length)
        {
            kept = Arrays.copyOf(kept, Math.max(at + KEPT_FIELDS, kept.length * 2));
        }
        kept[at] = producerIdLength;
        kept[at + 1] = tagLength;
        kept[at + 2] = keysLength;
        kept[at + 3] = propertiesLength;
        kept[at + 4] = recordLength;
    }

    /**
     * Makes the lengths kept for record {@code position} of a batch the ones {@link #encode} writes with, as if its
     * request had just been measured.
     *
     * @return the record length.
     */
    public int restoreMeasured(final int position)
    {
        final int at = position * KEPT_FIELDS;
        producerIdLength = kept[at];
        tagLength = kept[at + 1];
        keysLength = kept[at + 2];
        propertiesLength = kept[at + 3];
        recordLength = kept[at + 4];
        return recordLength;
    }

    /**
     * Writes the request last passed to {@link #measure} at {@code index}.
     *
     * @param buffer   the segment's bytes.
     * @param crcView  a {@link ByteBuffer} over the same bytes, for the CRC intrinsic.
     * @param index    where the record starts in the segment.
     * @param request  the request measured last.
     * @param topic    the topic name's bytes.
     */
    public void encode(
        final UnsafeBuffer buffer,
        final ByteBuffer crcView,
        final int index,
        final AppendRequest request,
        final byte[] topic,
        final long queueOffset,
        final long logOffset,
        final long storeTimestampMs)
    {
        final Message message = request.message();
        final byte[] body = message.body();
        buffer.putInt(index + LENGTH_OFFSET, recordLength);
        buffer.putInt(index + MAGIC_OFFSET, RECORD_MAGIC);
        buffer.putInt(index + QUEUE_ID_OFFSET, request.queueId());
        buffer.putLong(index + QUEUE_OFFSET_OFFSET, queueOffset);
        buffer.putLong(index + LOG_OFFSET_OFFSET, logOffset);
        buffer.putInt(index + FLAGS_OFFSET, request.flags());
        buffer.putInt(index + RECONSUME_TIMES_OFFSET, request.reconsumeTimes());
        buffer.putLong(index + BORN_TIMESTAMP_OFFSET, request.bornTimestampMs());
        buffer.putLong(index + STORE_TIMESTAMP_OFFSET, storeTimestampMs);
        buffer.putLong(index + PREPARED_TX_OFFSET_OFFSET, request.preparedTransactionOffset());
        buffer.putInt(index + BODY_LENGTH_OFFSET, body.length);
        buffer.putByte(index + TOPIC_LENGTH_OFFSET, (byte)topic.length);
        buffer.putByte(index + PRODUCER_ID_LENGTH_OFFSET, (byte)producerIdLength);
        buffer.putShort(index + TAG_LENGTH_OFFSET, (short)tagLength);
        buffer.putShort(index + KEYS_LENGTH_OFFSET, (short)keysLength);
        buffer.putShort(index + PROPERTIES_LENGTH_OFFSET, (short)propertiesLength);
        buffer.putShort(index + KEY_COUNT_OFFSET, (short)message.keys().size());
        buffer.putShort(index + PROPERTY_COUNT_OFFSET, (short)message.properties().size());

        int p = index + HEADER_LENGTH;
        buffer.putBytes(p, topic);
        p += topic.length;
        p += Utf8.encode(buffer, p, request.producerId());
        p += Utf8.encode(buffer, p, message.tag());
        p = encodeKeys(buffer, p, message.keys());
        if (propertiesLength > 0)
        {
            p = encodeProperties(buffer, p, message.properties());
        }
        buffer.putBytes(p, body);

        crc.reset();
        crcView.limit(index + recordLength).position(index + CRC_START);
        crc.update(crcView);
        buffer.putInt(index + CRC_OFFSET, (int)crc.getValue());
    }

    /**
     * Writes a filler from {@code index} to {@code end} (exclusive).
     */
    public static void encodeFiller(final UnsafeBuffer buffer, final int index, final int end)
    {
        buffer.putInt(index + LENGTH_OFFSET, end - index);
        buffer.putInt(index + MAGIC_OFFSET, FILLER_MAGIC);
    }

    private static int keysLength(final List<String> keys)
    {
        int length = 0;
        for (int i = 0, n = keys.size(); i < n; i++)
        {
            length += 2 + Utf8.encodedLength(keys.get(i));
        }
        return length;
    }

    private static int propertiesLength(final Map<String, String> properties)
    {
        int length = 0;
        for (final Map.Entry<String, String> e : properties.entrySet())
        {
            length += 4 + Utf8.encodedLength(e.getKey()) + Utf8.encodedLength(e.getValue());
        }
        return length;
    }

    private static int encodeKeys(final UnsafeBuffer buffer, final int index, final List<String> keys)
    {
        int p = index;
        for (int i = 0, n = keys.size(); i < n; i++)
        {
            p = encodeString(buffer, p, keys.get(i));
        }
        return p;
    }

    private static int encodeProperties(final UnsafeBuffer buffer, final int index, final Map<String, String> properties)
    {
        int p = index;
        for (final Map.Entry<String, String> e : properties.entrySet())
        {
            p = encodeString(buffer, p, e.getKey());
            p = encodeString(buffer, p, e.getValue());
        }
        return p;
    }

    private static int encodeString(final UnsafeBuffer buffer, final int index, final String s)
    {
        final int length = Utf8.encode(buffer, index + 2, s);
        buffer.putShort(index, (short)length);
        return index + 2 + length;
    }
}

package io.rocklet.store.internal.log;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.rocklet.store.internal.log.RecordDescriptor.*;

/**
 * A flyweight over one record in the {@link RecordDescriptor} layout. Wrap it, read fields, wrap the
 * next; accessors that return strings or collections allocate, the others do not. One owner thread.
 */
public final class RecordView
{
    private DirectBuffer buffer;
    private int index;

    public RecordView wrap(final DirectBuffer buffer, final int index)
    {
        this.buffer = buffer;
        this.index = index;
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int index()
    {
        return index;
    }

    public int length()
    {
        return buffer.getInt(index + LENGTH_OFFSET);
    }

    public int magic()
    {
        return buffer.getInt(index + MAGIC_OFFSET);
    }

    public int crc()
    {
        return buffer.getInt(index + CRC_OFFSET);
    }

    public int queueId()
    {
        return buffer.getInt(index + QUEUE_ID_OFFSET);
    }

    public long queueOffset()
    {
        return buffer.getLong(index + QUEUE_OFFSET_OFFSET);
    }

    public long logOffset()
    {
        return buffer.getLong(index + LOG_OFFSET_OFFSET);
    }

    public int flags()
    {
        return buffer.getInt(index + FLAGS_OFFSET);
    }

    public int reconsumeTimes()
    {
        return buffer.getInt(index + RECONSUME_TIMES_OFFSET);
    }

    public long bornTimestampMs()
    {
        return buffer.getLong(index + BORN_TIMESTAMP_OFFSET);
    }

    public long storeTimestampMs()
    {
        return buffer.getLong(index + STORE_TIMESTAMP_OFFSET);
    }

    public long preparedTransactionOffset()
    {
        return buffer.getLong(index + PREPARED_TX_OFFSET_OFFSET);
    }

    public int bodyLength()
    {
        return buffer.getInt(index + BODY_LENGTH_OFFSET);
    }

    public int topicLength()
    {
        return buffer.getByte(index + TOPIC_LENGTH_OFFSET) & 0xFF;
    }

    public int producerIdLength()
    {
        return buffer.getByte(index + PRODUCER_ID_LENGTH_OFFSET) & 0xFF;
    }

    public int tagLength()
    {
        return buffer.getShort(index + TAG_LENGTH_OFFSET) & 0xFFFF;
    }

    public int keysLength()
    {
        return buffer.getShort(index + KEYS_LENGTH_OFFSET) & 0xFFFF;
    }

    public int propertiesLength()
    {
        return buffer.getShort(index + PROPERTIES_LENGTH_OFFSET) & 0xFFFF;
    }

    public int keyCount()
    {
        return buffer.getShort(index + KEY_COUNT_OFFSET) & 0xFFFF;
    }

    public int propertyCount()
    {
        return buffer.getShort(index + PROPERTY_COUNT_OFFSET) & 0xFFFF;
    }

    public int topicStart()
    {
        return index + HEADER_LENGTH;
    }

    public int producerIdStart()
    {
        return topicStart() + topicLength();
    }

    public int tagStart()
    {
        return producerIdStart() + producerIdLength();
    }

    public int keysStart()
    {
        return tagStart() + tagLength();
    }

    public int propertiesStart()
    {
        return keysStart() + keysLength();
    }

    public int bodyStart()
    {
        return propertiesStart() + propertiesLength();
    }

    /**
     * @return true when the header's declared parts add up to the record length.
     */
    public boolean isWellFormed()
    {
        return HEADER_LENGTH + topicLength() + producerIdLength() + tagLength() + keysLength() + propertiesLength() +
            (long)bodyLength() == length() && bodyLength() >= 0;
    }

    /**
     * @return true when the record's topic bytes equal {@code topic}.
     */
    public boolean topicEquals(final byte[] topic)
    {
        return topicLength() == topic.length && bytesEqual(topicStart(), topic);
    }

    public String topic()
    {
        return buffer.getStringWithoutLengthAscii(topicStart(), topicLength());
    }

    public String producerId()
    {
        return Utf8.decode(buffer, producerIdStart(), producerIdLength());
    }

    public String tag()
    {
        return Utf8.decode(buffer, tagStart(), tagLength());
    }

    public List<String> keys()
    {
        final int count = keyCount();
        if (count == 0)
        {
            return List.of();
        }
        final List<String> keys = new ArrayList<>(count);
        int p = keysStart();
        for (int i = 0; i < count; i++)
        {
            final int length = buffer.getShort(p) & 0xFFFF;
            keys.add(Utf8.decode(buffer, p + 2, length));
            p += 2 + length;
        }
        return Collections.unmodifiableList(keys);
    }

    public Map<String, String> properties()
    {
        final int count = propertyCount();
        if (count == 0)
        {
            return Map.of();
        }
        final Map<String, String> properties = new LinkedHashMap<>();
        int p = propertiesStart();
        for (int i = 0; i < count; i++)
        {
            final int nameLength = buffer.getShort(p) & 0xFFFF;
            final String name = Utf8.decode(buffer, p + 2, nameLength);
            p += 2 + nameLength;
            final int valueLength = buffer.getShort(p) & 0xFFFF;
            properties.put(name, Utf8.decode(buffer, p + 2, valueLength));
            p += 2 + valueLength;
        }
        return Collections.unmodifiableMap(properties);
    }

    /**
     * @return the value of the property {@code name}, or null when the record has none: only that value is decoded,
     *     names are compared in place.
     */
    public String property(final String name)
    {
        int p = propertiesStart();
        for (int i = 0, count = propertyCount(); i < count; i++)
        {
            final int nameLength = buffer.getShort(p) & 0xFFFF;
            final boolean match = nameEquals(p + 2, nameLength, name);
            p += 2 + nameLength;
            final int valueLength = buffer.getShort(p) & 0xFFFF;
            if (match)
            {
                return Utf8.decode(buffer, p + 2, valueLength);
            }
            p += 2 + valueLength;
        }
        return null;
    }

    private boolean nameEquals(final int start, final int length, final String name)
    {
        if (length != name.length())
        {
            // a name with non-ASCII characters has more UTF-8 bytes than characters
            return length > name.length() && !isAscii(name) && Utf8.decode(buffer, start, length).equals(name);
        }
        for (int i = 0; i < length; i++)
        {
            final char c = name.charAt(i);
            if (c >= 0x80 || buffer.getByte(start + i) != (byte)c)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) >= 0x80)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Finds a property by name without allocating.
     *
     * @param asciiName the property name's bytes (ASCII).
     * @return where the value starts (its u16 length, then its bytes), or -1 when the record has no such property.
     */
    public int propertyValueIndex(final byte[] asciiName)
    {
        int p = propertiesStart();
        for (int i = 0, count = propertyCount(); i < count; i++)
        {
            final int nameLength = buffer.getShort(p) & 0xFFFF;
            final boolean match = nameLength == asciiName.length && bytesEqual(p + 2, asciiName);
            p += 2 + nameLength;
            if (match)
            {
                return p;
            }
            p += 2 + (buffer.getShort(p) & 0xFFFF);
        }
        return -1;
    }

    /**
     * @return the value of the property, or null when the record has none of that name.
     */
    public String property(final byte[] asciiName)
    {
        final int p = propertyValueIndex(asciiName);
        return p < 0 ? null : Utf8.decode(buffer, p + 2, buffer.getShort(p) & 0xFFFF);
    }

    private boolean bytesEqual(final int start, final byte[] bytes)
    {
        for (int i = 0; i < bytes.length; i++)
        {
            if (buffer.getByte(start + i) != bytes[i])
            {
                return false;
            }
        }
        return true;
    }

    public byte[] body()
    {
        final byte[] body = new byte[bodyLength()];
        buffer.getBytes(bodyStart(), body);
        return body;
    }

    /**
     * @return the tag's code as {@link io.rocklet.api.TagFilter#tagCode(String)} computes it, decoding only
     *     when the tag is not ASCII.
     */
    public long tagCode()
    {
        final int length = tagLength();
        if (length == 0)
        {
            return 0L;
        }
        final int start = tagStart();
        int hash = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(start + i);
            if (b < 0)
            {
                return tag().hashCode();
            }
            hash = 31 * hash + b;
        }
        return hash;
    }

    @Override
    public String toString()
    {
        return "Record{logOffset=" + logOffset() + ", topic=" + topic() + ", queueId=" + queueId() + ", queueOffset=" +
            queueOffset() + ", length=" + length() + '}';
    }
}

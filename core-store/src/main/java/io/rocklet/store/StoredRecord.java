package io.rocklet.store;

import io.rocklet.store.internal.log.RecordView;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.Map;

/**
 * A zero-copy view of one stored message, handed to a {@link RecordVisitor} during
 * {@link MessageStore#scan}: it reads the record where it lies in the mapped log. Valid only during
 * the visitor call and only on that thread; copy what must outlive it ({@link #copyBody},
 * {@link #toMessage()}). The accessors that return strings or collections allocate; the others do not.
 */
public final class StoredRecord
{
    private final RecordView view = new RecordView();
    private String topic;
    private int storeTag;

    /**
     * Points the view at a record; called by the store.
     */
    public StoredRecord wrap(final DirectBuffer buffer, final int index, final String topic, final int storeTag)
    {
        view.wrap(buffer, index);
        this.topic = topic;
        this.storeTag = storeTag;
        return this;
    }

    public String topic()
    {
        return topic;
    }

    public int queueId()
    {
        return view.queueId();
    }

    public long queueOffset()
    {
        return view.queueOffset();
    }

    public long logOffset()
    {
        return view.logOffset();
    }

    public long bornTimestampMs()
    {
        return view.bornTimestampMs();
    }

    public long storeTimestampMs()
    {
        return view.storeTimestampMs();
    }

    public int reconsumeTimes()
    {
        return view.reconsumeTimes();
    }

    public int flags()
    {
        return view.flags();
    }

    /**
     * @return the tag's code (what broker-side filtering compares), without decoding the tag.
     */
    public long tagCode()
    {
        return view.tagCode();
    }

    public String tag()
    {
        return view.tag();
    }

    public List<String> keys()
    {
        return view.keys();
    }

    public Map<String, String> properties()
    {
        return view.properties();
    }

    /**
     * @return the value of one property, decoded from the record in place, or null when it has none by that name.
     */
    public String property(final String name)
    {
        return view.property(name);
    }

    public String messageId()
    {
        return MessageIds.encode(storeTag, view.logOffset());
    }

    public int bodySize()
    {
        return view.bodyLength();
    }

    /**
     * @return the buffer holding the body (the mapped log); read it at [{@link #bodyOffset()}, +{@link #bodySize()}).
     */
    public DirectBuffer buffer()
    {
        return view.buffer();
    }

    /**
     * @return where the body starts in {@link #buffer()}.
     */
    public int bodyOffset()
    {
        return view.bodyStart();
    }

    /**
     * Copies the body into {@code destination} at {@code offset}.
     */
    public void copyBody(final byte[] destination, final int offset)
    {
        view.buffer().getBytes(view.bodyStart(), destination, offset, view.bodyLength());
    }

    /**
     * @return the size of the record in the log, in bytes.
     */
    public int recordBytes()
    {
        return view.length();
    }

    /**
     * @return a copy that outlives the visit.
     */
    public StoredMessage toMessage()
    {
        final byte[] record = new byte[view.length()];
        view.buffer().getBytes(view.index(), record);
        return new StoredMessage(record, topic, storeTag);
    }

    @Override
    public String toString()
    {
        return "StoredRecord{topic=" + topic + ", queueId=" + queueId() + ", queueOffset=" + queueOffset() +
            ", logOffset=" + logOffset() + ", bodyBytes=" + bodySize() + '}';
    }
}

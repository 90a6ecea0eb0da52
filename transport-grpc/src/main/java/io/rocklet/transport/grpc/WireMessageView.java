package io.rocklet.transport.grpc;

import io.rocklet.api.MessageView;
import io.rocklet.api.SystemProperties;
import io.rocklet.transport.grpc.proto.BrokerProto;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * A stored message received over gRPC: a view of its protobuf form, whose body is a slice of the received frame
 * (reading it copies nothing; {@link #bodyBytes()} copies). The messages of one pull share that frame. Immutable and
 * thread-safe.
 */
final class WireMessageView implements MessageView
{
    private final BrokerProto.StoredMessage proto;

    WireMessageView(final BrokerProto.StoredMessage proto)
    {
        this.proto = proto;
    }

    /**
     * @return the protobuf form, sent on as it is when this view is served again.
     */
    BrokerProto.StoredMessage proto()
    {
        return proto;
    }

    /**
     * @return the unique id, carried as the property {@link SystemProperties#UNIQUE_ID}; the offset id when the
     *     message has none.
     */
    @Override
    public String messageId()
    {
        return proto.getPropertiesOrDefault(SystemProperties.UNIQUE_ID, proto.getMessageId());
    }

    /**
     * @return the wire's {@code message_id} field, which carries the offset id.
     */
    @Override
    public String offsetMessageId()
    {
        return proto.getMessageId();
    }

    @Override
    public String topic()
    {
        return proto.getTopic();
    }

    @Override
    public String tag()
    {
        return proto.getTag();
    }

    @Override
    public List<String> keys()
    {
        return proto.getKeysList();
    }

    @Override
    public Map<String, String> properties()
    {
        return proto.getPropertiesMap();
    }

    @Override
    public ByteBuffer body()
    {
        return proto.getBody().asReadOnlyByteBuffer().slice(); // position 0 is the first body byte
    }

    @Override
    public int bodySize()
    {
        return proto.getBody().size();
    }

    @Override
    public byte[] bodyBytes()
    {
        return proto.getBody().toByteArray();
    }

    @Override
    public int queueId()
    {
        return proto.getQueueId();
    }

    @Override
    public long queueOffset()
    {
        return proto.getQueueOffset();
    }

    @Override
    public long logOffset()
    {
        return proto.getLogOffset();
    }

    @Override
    public long bornTimestampMs()
    {
        return proto.getBornTimestampMs();
    }

    @Override
    public long storeTimestampMs()
    {
        return proto.getStoreTimestampMs();
    }

    @Override
    public int reconsumeTimes()
    {
        return proto.getReconsumeTimes();
    }

    @Override
    public String producerId()
    {
        return proto.getProducerId();
    }

    @Override
    public String toString()
    {
        return "WireMessageView{messageId=" + messageId() + ", topic=" + topic() + ", tag=" + tag() + ", queueId=" +
            queueId() + ", queueOffset=" + queueOffset() + ", bodyBytes=" + bodySize() + '}';
    }
}

package io.rocklet.transport.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.rocklet.api.Delay;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.transport.grpc.proto.CommonProto;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Converts the records shared by both contracts to and from their protobuf form, and holds the helpers of the other
 * codecs. Decoding validates as the records' constructors do, so a malformed request fails with a
 * {@link InvalidArgumentException} naming the field. A message body is wrapped, not copied, on the way out; on the
 * way in it is copied once, out of the received frame. Stateless.
 */
final class CommonCodec
{
    static final CommonProto.Empty EMPTY = CommonProto.Empty.getDefaultInstance();

    private CommonCodec()
    {
    }

    static CommonProto.TopicConfig topicConfig(final TopicConfig topic)
    {
        return CommonProto.TopicConfig.newBuilder()
            .setName(text(topic.name()))
            .setReadQueues(topic.readQueues())
            .setWriteQueues(topic.writeQueues())
            .setPermission(topic.permission())
            .setOrder(topic.order())
            .build();
    }

    static TopicConfig topicConfig(final CommonProto.TopicConfig topic)
    {
        return new TopicConfig(topic.getName(), topic.getReadQueues(), topic.getWriteQueues(), topic.getPermission(),
            topic.getOrder());
    }

    static CommonProto.BrokerIdentity brokerIdentity(final BrokerIdentity broker)
    {
        return CommonProto.BrokerIdentity.newBuilder()
            .setClusterName(text(broker.clusterName()))
            .setBrokerName(text(broker.brokerName()))
            .setBrokerId(broker.brokerId())
            .setAddress(text(broker.address()))
            .build();
    }

    static BrokerIdentity brokerIdentity(final CommonProto.BrokerIdentity broker)
    {
        return new BrokerIdentity(broker.getClusterName(), broker.getBrokerName(), broker.getBrokerId(),
            broker.getAddress());
    }

    /**
     * @return the message with its body wrapped (the message owns the array and never changes it).
     */
    static CommonProto.Message message(final Message message)
    {
        return CommonProto.Message.newBuilder()
            .setTopic(message.topic())
            .setTag(message.tag())
            .addAllKeys(message.keys())
            .putAllProperties(message.properties())
            .setBody(UnsafeByteOperations.unsafeWrap(message.body()))
            .setDelayLevel(message.delay().level())
            .setDeliverAtMs(message.delay().atEpochMs())
            .setDeliverAfterMs(message.delay().afterMs())
            .build();
    }

    /**
     * @throws InvalidArgumentException as {@link Message}'s constructor does.
     */
    static Message message(final CommonProto.Message message)
    {
        return new Message(message.getTopic(), message.getTag(), message.getKeysList(), message.getPropertiesMap(),
            message.getBody().toByteArray(), new Delay(message.getDelayLevel(), message.getDeliverAtMs(),
            message.getDeliverAfterMs()));
    }

    /**
     * @return {@code value}, or {@code ""} for null (protobuf strings cannot be null; receivers treat both as missing).
     */
    static String text(final String value)
    {
        return value == null ? "" : value;
    }

    /**
     * @return {@code values} converted one by one into a new list.
     */
    static <A, B> List<B> map(final List<A> values, final Function<A, B> converter)
    {
        final List<B> converted = new ArrayList<>(values.size());
        for (final A value : values)
        {
            converted.add(converter.apply(value));
        }
        return converted;
    }

    /**
     * @throws InvalidArgumentException for an enum field left unset (its zero value) or unknown to this version.
     */
    static InvalidArgumentException unknownEnum(final String field, final Object value)
    {
        return new InvalidArgumentException("malformed message: field=" + field + ", value=" + value +
            " (unset or unknown)");
    }

    /**
     * @throws InvalidArgumentException for a required message field that is absent.
     */
    static <T> T required(final boolean present, final T value, final String field)
    {
        if (!present)
        {
            throw new InvalidArgumentException("malformed message: field=" + field + " is missing");
        }
        return value;
    }
}

package io.rocklet.transport.grpc;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.MessageModel;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.LockRequest;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.api.spi.BrokerService.QueueRef;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import io.rocklet.transport.grpc.proto.BrokerProto;

import java.util.List;
import java.util.Map;

import static io.rocklet.transport.grpc.CommonCodec.map;
import static io.rocklet.transport.grpc.CommonCodec.required;
import static io.rocklet.transport.grpc.CommonCodec.text;
import static io.rocklet.transport.grpc.CommonCodec.unknownEnum;

/**
 * Converts the records of {@link io.rocklet.api.spi.BrokerService}'s group, offset, lock and admin calls to and from
 * their protobuf form, one pair per record. Stateless.
 */
final class GroupCodec
{
    private GroupCodec()
    {
    }

    static BrokerProto.ClientHeartbeat heartbeat(final ClientHeartbeat heartbeat)
    {
        return BrokerProto.ClientHeartbeat.newBuilder()
            .setClientId(text(heartbeat.clientId()))
            .addAllConsumers(map(heartbeat.consumers(), GroupCodec::registration))
            .addAllProducerGroups(heartbeat.producerGroups())
            .build();
    }

    static ClientHeartbeat heartbeat(final BrokerProto.ClientHeartbeat heartbeat)
    {
        return new ClientHeartbeat(heartbeat.getClientId(), map(heartbeat.getConsumersList(), GroupCodec::registration),
            heartbeat.getProducerGroupsList());
    }

    static BrokerProto.GroupMembersResult groupMembers(final List<String> clientIds)
    {
        return BrokerProto.GroupMembersResult.newBuilder().addAllClientIds(clientIds).build();
    }

    static List<String> groupMembers(final BrokerProto.GroupMembersResult members)
    {
        return List.copyOf(members.getClientIdsList());
    }

    static BrokerProto.GroupEvent groupEvent(final GroupEvent event)
    {
        final BrokerProto.GroupEvent.Builder builder = BrokerProto.GroupEvent.newBuilder()
            .setGroup(text(event.group()))
            .setKind(switch (event.kind())
            {
                case MEMBERS_CHANGED -> BrokerProto.GroupEventKind.GROUP_EVENT_KIND_MEMBERS_CHANGED;
                case OFFSETS_RESET -> BrokerProto.GroupEventKind.GROUP_EVENT_KIND_OFFSETS_RESET;
            })
            .putAllOffsets(event.offsets());
        if (event.topic() != null)
        {
            builder.setTopic(event.topic());
        }
        return builder.build();
    }

    static GroupEvent groupEvent(final BrokerProto.GroupEvent event)
    {
        final GroupEvent.Kind kind = switch (event.getKind())
        {
            case GROUP_EVENT_KIND_MEMBERS_CHANGED -> GroupEvent.Kind.MEMBERS_CHANGED;
            case GROUP_EVENT_KIND_OFFSETS_RESET -> GroupEvent.Kind.OFFSETS_RESET;
            default -> throw unknownEnum("GroupEvent.kind", event.getKind());
        };
        return new GroupEvent(event.getGroup(), kind, event.hasTopic() ? event.getTopic() : null,
            event.getOffsetsMap());
    }

    static BrokerProto.CommitOffsetsRequest commitOffsets(final CommitOffsetsRequest request)
    {
        return BrokerProto.CommitOffsetsRequest.newBuilder()
            .setGroup(text(request.group()))
            .addAllOffsets(map(request.offsets(), offset -> BrokerProto.QueueOffset.newBuilder()
                .setTopic(text(offset.topic())).setQueueId(offset.queueId()).setOffset(offset.offset()).build()))
            .build();
    }

    static CommitOffsetsRequest commitOffsets(final BrokerProto.CommitOffsetsRequest request)
    {
        return new CommitOffsetsRequest(request.getGroup(), map(request.getOffsetsList(), offset ->
            new QueueOffset(offset.getTopic(), offset.getQueueId(), offset.getOffset())));
    }

    static BrokerProto.QueueOffsetsResult queueOffsets(final QueueOffsets offsets)
    {
        return BrokerProto.QueueOffsetsResult.newBuilder()
            .setMinOffset(offsets.minOffset())
            .setMaxOffset(offsets.maxOffset())
            .build();
    }

    static QueueOffsets queueOffsets(final BrokerProto.QueueOffsetsResult offsets)
    {
        return new QueueOffsets(offsets.getMinOffset(), offsets.getMaxOffset());
    }

    static BrokerProto.OffsetResult offset(final long offset)
    {
        return BrokerProto.OffsetResult.newBuilder().setOffset(offset).build();
    }

    static BrokerProto.LockRequest lockRequest(final LockRequest request)
    {
        return BrokerProto.LockRequest.newBuilder()
            .setGroup(text(request.group()))
            .setClientId(text(request.clientId()))
            .addAllQueues(map(request.queues(), GroupCodec::queueRef))
            .build();
    }

    static LockRequest lockRequest(final BrokerProto.LockRequest request)
    {
        return new LockRequest(request.getGroup(), request.getClientId(),
            map(request.getQueuesList(), GroupCodec::queueRef));
    }

    static BrokerProto.QueueRefs queueRefs(final List<QueueRef> queues)
    {
        return BrokerProto.QueueRefs.newBuilder().addAllQueues(map(queues, GroupCodec::queueRef)).build();
    }

    static List<QueueRef> queueRefs(final BrokerProto.QueueRefs queues)
    {
        return map(queues.getQueuesList(), GroupCodec::queueRef);
    }

    static BrokerProto.ResetOffsetsRequest resetOffsets(final ResetOffsetsRequest request)
    {
        return BrokerProto.ResetOffsetsRequest.newBuilder()
            .setGroup(text(request.group()))
            .setTopic(text(request.topic()))
            .setPosition(position(request.position()))
            .setTimestampMs(request.timestampMs())
            .build();
    }

    static ResetOffsetsRequest resetOffsets(final BrokerProto.ResetOffsetsRequest request)
    {
        return new ResetOffsetsRequest(request.getGroup(), request.getTopic(),
            position(request.getPosition(), "ResetOffsetsRequest.position"), request.getTimestampMs());
    }

    static BrokerProto.QueueOffsetMap offsetMap(final Map<Integer, Long> offsets)
    {
        return BrokerProto.QueueOffsetMap.newBuilder().putAllOffsets(offsets).build();
    }

    static Map<Integer, Long> offsetMap(final BrokerProto.QueueOffsetMap offsets)
    {
        return Map.copyOf(offsets.getOffsetsMap());
    }

    static BrokerProto.TopicConfigs topics(final List<TopicConfig> topics)
    {
        return BrokerProto.TopicConfigs.newBuilder().addAllTopics(map(topics, CommonCodec::topicConfig)).build();
    }

    static List<TopicConfig> topics(final BrokerProto.TopicConfigs topics)
    {
        return map(topics.getTopicsList(), CommonCodec::topicConfig);
    }

    static BrokerProto.ConsumerRegistration registration(final ConsumerRegistration registration)
    {
        final BrokerProto.ConsumerRegistration.Builder builder = BrokerProto.ConsumerRegistration.newBuilder()
            .setGroup(text(registration.group()))
            .putAllSubscriptions(registration.subscriptions())
            .setSubscribedMs(registration.subscribedMs());
        if (registration.messageModel() != null)
        {
            builder.setMessageModel(switch (registration.messageModel())
            {
                case CLUSTERING -> BrokerProto.MessageModel.MESSAGE_MODEL_CLUSTERING;
                case BROADCASTING -> BrokerProto.MessageModel.MESSAGE_MODEL_BROADCASTING;
            });
        }
        if (registration.consumeFrom() != null)
        {
            builder.setConsumeFrom(BrokerProto.ConsumeFrom.newBuilder()
                .setPosition(position(registration.consumeFrom().position()))
                .setTimestampMs(registration.consumeFrom().timestampMs()));
        }
        return builder.build();
    }

    static ConsumerRegistration registration(final BrokerProto.ConsumerRegistration registration)
    {
        final MessageModel model = switch (registration.getMessageModel())
        {
            case MESSAGE_MODEL_CLUSTERING -> MessageModel.CLUSTERING;
            case MESSAGE_MODEL_BROADCASTING -> MessageModel.BROADCASTING;
            default -> throw unknownEnum("ConsumerRegistration.messageModel", registration.getMessageModel());
        };
        final BrokerProto.ConsumeFrom from = required(registration.hasConsumeFrom(), registration.getConsumeFrom(),
            "ConsumerRegistration.consumeFrom");
        return new ConsumerRegistration(registration.getGroup(), model,
            new ConsumeFrom(position(from.getPosition(), "ConsumeFrom.position"), from.getTimestampMs()),
            registration.getSubscriptionsMap(), registration.getSubscribedMs());
    }

    private static BrokerProto.QueueRef queueRef(final QueueRef queue)
    {
        return BrokerProto.QueueRef.newBuilder().setTopic(text(queue.topic())).setQueueId(queue.queueId()).build();
    }

    private static QueueRef queueRef(final BrokerProto.QueueRef queue)
    {
        return new QueueRef(queue.getTopic(), queue.getQueueId());
    }

    private static BrokerProto.ConsumePosition position(final ConsumeFrom.Position position)
    {
        if (position == null)
        {
            return BrokerProto.ConsumePosition.CONSUME_POSITION_UNSPECIFIED;
        }
        return switch (position)
        {
            case LAST -> BrokerProto.ConsumePosition.CONSUME_POSITION_LAST;
            case FIRST -> BrokerProto.ConsumePosition.CONSUME_POSITION_FIRST;
            case TIMESTAMP -> BrokerProto.ConsumePosition.CONSUME_POSITION_TIMESTAMP;
        };
    }

    private static ConsumeFrom.Position position(final BrokerProto.ConsumePosition position, final String field)
    {
        return switch (position)
        {
            case CONSUME_POSITION_LAST -> ConsumeFrom.Position.LAST;
            case CONSUME_POSITION_FIRST -> ConsumeFrom.Position.FIRST;
            case CONSUME_POSITION_TIMESTAMP -> ConsumeFrom.Position.TIMESTAMP;
            default -> throw unknownEnum(field, position);
        };
    }
}

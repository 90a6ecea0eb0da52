package io.rocklet.transport.grpc;

import io.rocklet.api.MessageView;
import io.rocklet.api.spi.BrokerService.BrokerStatus;
import io.rocklet.api.spi.BrokerService.GroupState;
import io.rocklet.api.spi.BrokerService.KeyQuery;
import io.rocklet.api.spi.BrokerService.MemberState;
import io.rocklet.api.spi.BrokerService.QueueConsumeState;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.api.spi.RouterService.RegisteredBroker;
import io.rocklet.transport.grpc.proto.BrokerProto;
import io.rocklet.transport.grpc.proto.RouterProto;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.rocklet.transport.grpc.CommonCodec.brokerIdentity;
import static io.rocklet.transport.grpc.CommonCodec.map;
import static io.rocklet.transport.grpc.CommonCodec.required;
import static io.rocklet.transport.grpc.CommonCodec.text;

/**
 * Converts the records of the admin queries ({@link io.rocklet.api.spi.BrokerService#status()} and the other
 * queries behind {@link io.rocklet.api.Admin}, and {@link io.rocklet.api.spi.RouterService#registeredBrokers()}) to
 * and from their protobuf form, one pair per record. Stateless.
 */
final class AdminCodec
{
    private AdminCodec()
    {
    }

    static BrokerProto.BrokerStatus brokerStatus(final BrokerStatus status)
    {
        return BrokerProto.BrokerStatus.newBuilder()
            .setIdentity(brokerIdentity(status.identity()))
            .setStartedMs(status.startedMs())
            .setTopicCount(status.topicCount())
            .setGroupCount(status.groupCount())
            .setClientCount(status.clientCount())
            .setDispatchLagBytes(status.dispatchLagBytes())
            .setWritable(status.writable())
            .setDiskUsedRatio(status.diskUsedRatio())
            .putAllTimedPending(status.timedPending())
            .putAllLevelPending(status.levelPending())
            .setReplicationLagBytes(status.replicationLagBytes())
            .setReplicationLagMs(status.replicationLagMs())
            .setTruncatedBytes(status.truncatedBytes())
            .setTruncatedMessages(status.truncatedMessages())
            .build();
    }

    static BrokerStatus brokerStatus(final BrokerProto.BrokerStatus status)
    {
        return new BrokerStatus(brokerIdentity(required(status.hasIdentity(), status.getIdentity(),
            "BrokerStatus.identity")), status.getStartedMs(), status.getTopicCount(), status.getGroupCount(),
            status.getClientCount(), status.getDispatchLagBytes(), status.getWritable(), status.getDiskUsedRatio(),
            status.getTimedPendingMap(), status.getLevelPendingMap(), status.getReplicationLagBytes(),
            status.getReplicationLagMs(), status.getTruncatedBytes(), status.getTruncatedMessages());
    }

    static BrokerProto.TopicOffsetsResult topicOffsets(final Map<Integer, QueueOffsets> offsets)
    {
        final BrokerProto.TopicOffsetsResult.Builder builder = BrokerProto.TopicOffsetsResult.newBuilder();
        offsets.forEach((queueId, queue) -> builder.putOffsets(queueId, GroupCodec.queueOffsets(queue)));
        return builder.build();
    }

    static Map<Integer, QueueOffsets> topicOffsets(final BrokerProto.TopicOffsetsResult result)
    {
        final Map<Integer, QueueOffsets> offsets = new HashMap<>();
        result.getOffsetsMap().forEach((queueId, queue) -> offsets.put(queueId, GroupCodec.queueOffsets(queue)));
        return Map.copyOf(offsets);
    }

    static BrokerProto.GroupStates groupStates(final List<GroupState> groups)
    {
        return BrokerProto.GroupStates.newBuilder().addAllGroups(map(groups, AdminCodec::groupState)).build();
    }

    static List<GroupState> groupStates(final BrokerProto.GroupStates groups)
    {
        return List.copyOf(map(groups.getGroupsList(), AdminCodec::groupState));
    }

    static BrokerProto.QueueConsumeStates queueConsumeStates(final List<QueueConsumeState> queues)
    {
        return BrokerProto.QueueConsumeStates.newBuilder()
            .addAllQueues(map(queues, queue -> BrokerProto.QueueConsumeState.newBuilder()
                .setTopic(text(queue.topic()))
                .setQueueId(queue.queueId())
                .setMinOffset(queue.minOffset())
                .setMaxOffset(queue.maxOffset())
                .setConsumerOffset(queue.consumerOffset())
                .build()))
            .build();
    }

    static List<QueueConsumeState> queueConsumeStates(final BrokerProto.QueueConsumeStates queues)
    {
        return List.copyOf(map(queues.getQueuesList(), queue -> new QueueConsumeState(queue.getTopic(),
            queue.getQueueId(), queue.getMinOffset(), queue.getMaxOffset(), queue.getConsumerOffset())));
    }

    static BrokerProto.KeyQuery keyQuery(final KeyQuery query)
    {
        return BrokerProto.KeyQuery.newBuilder()
            .setTopic(text(query.topic()))
            .setKey(text(query.key()))
            .setBeginTimestampMs(query.beginTimestampMs())
            .setEndTimestampMs(query.endTimestampMs())
            .setMaxCount(query.maxCount())
            .build();
    }

    static KeyQuery keyQuery(final BrokerProto.KeyQuery query)
    {
        return new KeyQuery(query.getTopic(), query.getKey(), query.getBeginTimestampMs(), query.getEndTimestampMs(),
            query.getMaxCount());
    }

    static BrokerProto.StoredMessages storedMessages(final List<MessageView> messages)
    {
        return BrokerProto.StoredMessages.newBuilder()
            .addAllMessages(map(messages, MessageCodec::storedMessage))
            .build();
    }

    static List<MessageView> storedMessages(final BrokerProto.StoredMessages messages)
    {
        return List.copyOf(map(messages.getMessagesList(), WireMessageView::new));
    }

    static RouterProto.RegisteredBrokersResult registeredBrokers(final List<RegisteredBroker> brokers)
    {
        return RouterProto.RegisteredBrokersResult.newBuilder()
            .addAllBrokers(map(brokers, broker -> RouterProto.RegisteredBroker.newBuilder()
                .setBroker(brokerIdentity(broker.broker()))
                .setLastRegistrationMs(broker.lastRegistrationMs())
                .setDataVersion(broker.dataVersion())
                .setTopicCount(broker.topicCount())
                .build()))
            .build();
    }

    static List<RegisteredBroker> registeredBrokers(final RouterProto.RegisteredBrokersResult brokers)
    {
        return List.copyOf(map(brokers.getBrokersList(), broker -> new RegisteredBroker(
            brokerIdentity(required(broker.hasBroker(), broker.getBroker(), "RegisteredBroker.broker")),
            broker.getLastRegistrationMs(), broker.getDataVersion(), broker.getTopicCount())));
    }

    private static BrokerProto.GroupState groupState(final GroupState group)
    {
        return BrokerProto.GroupState.newBuilder()
            .setGroup(text(group.group()))
            .addAllMembers(map(group.members(), member -> BrokerProto.MemberState.newBuilder()
                .setClientId(text(member.clientId()))
                .setRegistration(GroupCodec.registration(member.registration()))
                .setLastHeartbeatAgeMs(member.lastHeartbeatAgeMs())
                .build()))
            .addAllTopics(group.topics())
            .build();
    }

    private static GroupState groupState(final BrokerProto.GroupState group)
    {
        return new GroupState(group.getGroup(), map(group.getMembersList(), member -> new MemberState(
            member.getClientId(), GroupCodec.registration(required(member.hasRegistration(), member.getRegistration(),
            "MemberState.registration")), member.getLastHeartbeatAgeMs())), group.getTopicsList());
    }
}

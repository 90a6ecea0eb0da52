package io.rocklet.client.admin;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.admin.ConsumerProgress;
import io.rocklet.api.admin.GroupInfo;
import io.rocklet.api.admin.GroupMember;
import io.rocklet.api.admin.QueueProgress;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.GroupState;
import io.rocklet.api.spi.BrokerService.MemberState;
import io.rocklet.api.spi.BrokerService.QueueConsumeState;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Consumer-group administration: list, members, progress (lag) and offset resets. A group is known when at least
 * one broker knows it (see {@link BrokerService#consumerGroups()}). Thread-safe (stateless).
 */
final class GroupOperations
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupOperations.class);

    private final AdminCalls calls;

    GroupOperations(final AdminCalls calls)
    {
        this.calls = calls;
    }

    List<GroupInfo> groups()
    {
        final Map<String, List<GroupState>> answers = calls.fanOut("list consumer groups", calls.masters(),
            BrokerService::consumerGroups);
        final Map<String, Merged> merged = new TreeMap<>();
        answers.forEach((broker, states) -> states.forEach(state ->
            merged.computeIfAbsent(state.group(), g -> new Merged()).add(broker, state)));
        final List<GroupInfo> groups = new ArrayList<>(merged.size());
        merged.forEach((group, m) -> groups.add(new GroupInfo(group, List.copyOf(m.clientIds), m.topics, m.brokers)));
        return groups;
    }

    List<GroupMember> members(final String group)
    {
        AdminChecks.group(group, "group members");
        final Map<String, GroupState> states = known(group);
        final Map<String, MemberState> latest = new TreeMap<>();
        final Map<String, Set<String>> brokers = new TreeMap<>();
        states.forEach((broker, state) -> state.members().forEach(member ->
        {
            latest.merge(member.clientId(), member, (a, b) -> a.lastHeartbeatAgeMs() <= b.lastHeartbeatAgeMs() ? a : b);
            brokers.computeIfAbsent(member.clientId(), id -> new TreeSet<>()).add(broker);
        }));
        final List<GroupMember> members = new ArrayList<>(latest.size());
        latest.forEach((clientId, member) -> members.add(new GroupMember(clientId,
            member.registration().messageModel(), member.registration().consumeFrom(),
            member.registration().subscriptions(), brokers.get(clientId),
            Duration.ofMillis(member.lastHeartbeatAgeMs()))));
        return members;
    }

    ConsumerProgress progress(final String group)
    {
        AdminChecks.group(group, "consumer progress");
        final Map<String, String> masters = calls.masters();
        final Map<String, List<QueueConsumeState>> answers = calls.fanOut("consumer progress: group=" + group,
            masters, broker -> broker.consumerProgress(group), ErrorCode.GROUP_NOT_FOUND);
        if (answers.isEmpty())
        {
            throw groupNotFound(group, masters);
        }
        final List<QueueProgress> queues = new ArrayList<>();
        answers.forEach((broker, states) -> states.forEach(state -> queues.add(QueueProgress.of(
            new MessageQueue(state.topic(), broker, state.queueId()), state.minOffset(), state.maxOffset(),
            state.consumerOffset()))));
        queues.sort(Comparator.comparing((QueueProgress q) -> q.queue().topic())
            .thenComparing(q -> q.queue().brokerName()).thenComparingInt(q -> q.queue().queueId()));
        return new ConsumerProgress(group, queues);
    }

    Map<MessageQueue, Long> reset(final String group, final String topic, final long timestampMs)
    {
        AdminChecks.timestamp(timestampMs, "timestampMs", "reset offsets: group=" + group + ", topic=" + topic);
        return reset(new ResetOffsetsRequest(group, topic, ConsumeFrom.Position.TIMESTAMP, timestampMs));
    }

    Map<MessageQueue, Long> reset(final String group, final String topic, final ConsumeFrom.Position position)
    {
        if (position == null || position == ConsumeFrom.Position.TIMESTAMP)
        {
            throw new InvalidArgumentException("reset offsets: group=" + group + ", topic=" + topic + ", position=" +
                position + ", use FIRST or LAST here and resetOffsets(group, topic, timestampMs) for a time");
        }
        return reset(new ResetOffsetsRequest(group, topic, position, 0));
    }

    /**
     * @return broker name to the group's state there, for every broker that knows the group.
     * @throws RockletException GROUP_NOT_FOUND when none does.
     */
    Map<String, GroupState> known(final String group)
    {
        final Map<String, String> masters = calls.masters();
        final Map<String, List<GroupState>> answers = calls.fanOut("list consumer groups: group=" + group, masters,
            BrokerService::consumerGroups);
        final Map<String, GroupState> known = new TreeMap<>();
        answers.forEach((broker, states) -> states.stream().filter(state -> state.group().equals(group)).findFirst()
            .ifPresent(state -> known.put(broker, state)));
        if (known.isEmpty())
        {
            throw groupNotFound(group, masters);
        }
        return known;
    }

    private Map<MessageQueue, Long> reset(final ResetOffsetsRequest request)
    {
        final String what = "reset offsets: group=" + request.group() + ", topic=" + request.topic();
        AdminChecks.group(request.group(), what);
        AdminChecks.topic(request.topic());
        final Map<String, String> holders = AdminCalls.addresses(calls.holders(request.topic()));
        known(request.group());
        final Map<String, Map<Integer, Long>> answers = calls.fanOut(what, holders,
            broker -> broker.resetOffsets(request));
        final Map<MessageQueue, Long> offsets = new LinkedHashMap<>();
        answers.forEach((brokerName, byQueue) -> new TreeMap<>(byQueue).forEach((queueId, offset) ->
            offsets.put(new MessageQueue(request.topic(), brokerName, queueId), offset)));
        LOG.info("offsets reset: group={}, topic={}, position={}, timestampMs={}, offsets={}", request.group(),
            request.topic(), request.position(), request.timestampMs(), offsets);
        return offsets;
    }

    private static RockletException groupNotFound(final String group, final Map<String, String> masters)
    {
        return new RockletException(ErrorCode.GROUP_NOT_FOUND, "unknown consumer group: group=" + group +
            ", brokers=" + masters.keySet() + " (no broker has a live member, committed offset, retry or dead-letter" +
            " topic of it)");
    }

    /**
     * One group as several brokers know it.
     */
    private static final class Merged
    {
        private final Set<String> clientIds = new TreeSet<>();
        private final Set<String> topics = new TreeSet<>();
        private final Set<String> brokers = new TreeSet<>();

        void add(final String broker, final GroupState state)
        {
            brokers.add(broker);
            topics.addAll(state.topics());
            for (final MemberState member : state.members())
            {
                clientIds.add(member.clientId());
                topics.addAll(member.registration().subscriptions().keySet());
            }
        }
    }
}

package io.rocklet.broker.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.GroupState;
import io.rocklet.api.spi.BrokerService.MemberState;
import io.rocklet.api.spi.BrokerService.QueueConsumeState;
import io.rocklet.store.MessageStore;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the broker knows of consumer groups, for administration: the groups (live members, committed offsets, retry
 * and dead-letter topics) and a group's position in every queue it consumes. A group is known here when it has a
 * live member, a committed offset, or a retry or dead-letter topic on this broker. Read-only; runs on the caller's
 * thread.
 */
public final class GroupQueries
{
    private final MessageStore store;
    private final TopicConfigStore topics;
    private final OffsetTable offsets;
    private final ConsumerGroups groups;
    private final NanoClock nanoClock;
    private final String brokerName;

    public GroupQueries(final MessageStore store, final TopicConfigStore topics, final OffsetTable offsets,
        final ConsumerGroups groups, final NanoClock nanoClock, final String brokerName)
    {
        this.store = store;
        this.topics = topics;
        this.offsets = offsets;
        this.groups = groups;
        this.nanoClock = nanoClock;
        this.brokerName = brokerName;
    }

    /**
     * @return every group this broker knows, sorted by name.
     */
    public List<GroupState> consumerGroups()
    {
        final Map<String, List<MemberState>> members = groups.snapshot(nanoClock.nanoTime());
        final Map<String, Set<String>> groupTopics = new TreeMap<>();
        members.keySet().forEach(group -> groupTopics.put(group, new TreeSet<>()));
        offsets.groupTopics().forEach((group, names) ->
            groupTopics.computeIfAbsent(group, g -> new TreeSet<>()).addAll(names));
        for (final TopicConfig topic : topics.all())
        {
            final String group = groupOfSystemTopic(topic.name());
            if (group != null)
            {
                groupTopics.computeIfAbsent(group, g -> new TreeSet<>()).add(topic.name());
            }
        }
        final List<GroupState> states = new ArrayList<>(groupTopics.size());
        groupTopics.forEach((group, names) -> states.add(new GroupState(group, members.getOrDefault(group, List.of()),
            List.copyOf(names))));
        return states;
    }

    /**
     * Fails at once when the group is unknown here.
     */
    public void checkKnown(final String group)
    {
        final boolean known = !groups.members(group).isEmpty() || offsets.groupTopics().containsKey(group) ||
            topics.get(SystemTopics.retryTopic(group)) != null || topics.get(SystemTopics.dlqTopic(group)) != null;
        if (!known)
        {
            throw new RockletException(ErrorCode.GROUP_NOT_FOUND, "unknown consumer group: group=" + group +
                ", broker=" + brokerName + " (no live member, committed offset, retry or dead-letter topic)");
        }
    }

    /**
     * @return the group's position in every queue of the topics its members subscribe to, it has committed offsets
     *     for, and its retry topic; topics this broker does not hold are left out.
     */
    public List<QueueConsumeState> consumerProgress(final String group)
    {
        checkKnown(group);
        final Set<String> names = new TreeSet<>(offsets.groupTopics().getOrDefault(group, Set.of()));
        final List<MemberState> members = groups.snapshot(nanoClock.nanoTime()).getOrDefault(group, List.of());
        for (final MemberState member : members)
        {
            final ConsumerRegistration registration = member.registration();
            names.addAll(registration.subscriptions().keySet());
        }
        if (topics.get(SystemTopics.retryTopic(group)) != null)
        {
            names.add(SystemTopics.retryTopic(group));
        }
        final List<QueueConsumeState> progress = new ArrayList<>();
        for (final String name : names)
        {
            final TopicConfig topic = topics.get(name);
            if (topic == null)
            {
                continue;
            }
            for (int queueId = 0; queueId < topic.readQueues(); queueId++)
            {
                progress.add(new QueueConsumeState(name, queueId, store.minOffset(name, queueId),
                    store.maxOffset(name, queueId), offsets.query(group, name, queueId)));
            }
        }
        return progress;
    }

    /**
     * @return the group whose retry or dead-letter topic this is, or null for any other topic.
     */
    private static String groupOfSystemTopic(final String topic)
    {
        if (topic.startsWith(SystemTopics.RETRY_PREFIX))
        {
            return topic.substring(SystemTopics.RETRY_PREFIX.length());
        }
        if (topic.startsWith(SystemTopics.DLQ_PREFIX))
        {
            return topic.substring(SystemTopics.DLQ_PREFIX.length());
        }
        return null;
    }
}

package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Shares a topic's queues among the members of a consumer group as RocketMQ's
 * {@code AllocateMessageQueueAveragely} does: members and queues are sorted, each member takes a
 * contiguous run of queues, and the first {@code queues % members} members take one more. Every
 * member computes the same split from the same inputs, so the group needs no coordinator; with more
 * members than queues the last members get none. Stateless.
 */
final class AllocateAverage
{
    /** Queues in allocation order: topic, then broker name, then queue id. */
    static final Comparator<MessageQueue> QUEUE_ORDER = Comparator.comparing(MessageQueue::topic)
        .thenComparing(MessageQueue::brokerName)
        .thenComparingInt(MessageQueue::queueId);

    private AllocateAverage()
    {
    }

    /**
     * @param self    this member's client id.
     * @param members the group's client ids (any order; duplicates ignored).
     * @param queues  the queues to share (any order).
     * @return the queues {@code self} takes, in allocation order; empty when {@code self} is not a member.
     */
    static List<MessageQueue> allocate(final String self, final Collection<String> members,
        final Collection<MessageQueue> queues)
    {
        final List<String> sortedMembers = members.stream().distinct().sorted().toList();
        final int index = sortedMembers.indexOf(self);
        if (index < 0 || queues.isEmpty())
        {
            return List.of();
        }
        final List<MessageQueue> sortedQueues = new ArrayList<>(queues);
        sortedQueues.sort(QUEUE_ORDER);
        final int queueCount = sortedQueues.size();
        final int memberCount = sortedMembers.size();
        final int mod = queueCount % memberCount;
        final int share = queueCount <= memberCount ? 1 :
            (mod > 0 && index < mod ? queueCount / memberCount + 1 : queueCount / memberCount);
        final int start = mod > 0 && index < mod ? index * share : index * share + mod;
        final int count = Math.min(share, queueCount - start);
        final List<MessageQueue> result = new ArrayList<>(Math.max(count, 0));
        for (int i = 0; i < count; i++)
        {
            result.add(sortedQueues.get(start + i));
        }
        return result;
    }
}

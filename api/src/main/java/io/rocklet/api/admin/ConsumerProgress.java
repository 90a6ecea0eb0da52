package io.rocklet.api.admin;

import java.util.List;

/**
 * A consumer group's position in every queue of the topics it subscribes to or has committed offsets for (its
 * retry topic included).
 *
 * @param group  the group.
 * @param queues one entry per queue, sorted by topic, broker and queue id.
 */
public record ConsumerProgress(String group, List<QueueProgress> queues)
{
    public ConsumerProgress
    {
        queues = List.copyOf(queues);
    }

    /**
     * @return the lag summed over every queue.
     */
    public long totalLag()
    {
        return queues.stream().mapToLong(QueueProgress::lag).sum();
    }

    /**
     * @return the lag summed over the queues of {@code topic} (0 when the group has none of them).
     */
    public long lag(final String topic)
    {
        return queues.stream().filter(q -> q.queue().topic().equals(topic)).mapToLong(QueueProgress::lag).sum();
    }
}

package io.rocklet.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Operations on topics and consumer groups.
 */
public interface Admin
{
    /**
     * Creates (or updates) a topic on every broker of the cluster(s) the routers know.
     */
    void createTopic(TopicConfig topic);

    /**
     * Creates (or updates) a topic on the named brokers only.
     */
    void createTopic(TopicConfig topic, Collection<String> brokerNames);

    /**
     * Deletes a topic from every broker that has it.
     *
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} when no broker has it.
     */
    void deleteTopic(String topic);

    /**
     * @return every queue of {@code topic} on every broker.
     */
    List<MessageQueue> queues(String topic);

    /**
     * Moves a clustering group's committed offsets for {@code topic} to the first message stored at or
     * after {@code timestampMs} - back or forward; members pick the new offsets up at once.
     *
     * @return the new offset of every queue.
     */
    Map<MessageQueue, Long> resetOffsets(String group, String topic, long timestampMs);

    /**
     * Moves a clustering group's committed offsets for {@code topic} to the first or the last message.
     */
    Map<MessageQueue, Long> resetOffsets(String group, String topic, ConsumeFrom.Position position);
}

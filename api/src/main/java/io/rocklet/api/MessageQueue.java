package io.rocklet.api;

/**
 * One queue of a topic on one broker (replica set).
 *
 * @param topic      the topic.
 * @param brokerName the broker (replica set) holding the queue.
 * @param queueId    the queue's number on that broker.
 */
public record MessageQueue(String topic, String brokerName, int queueId)
{
    public MessageQueue
    {
        if (topic == null || brokerName == null || queueId < 0)
        {
            throw new InvalidArgumentException("illegal message queue: topic=" + topic + ", brokerName=" + brokerName +
                ", queueId=" + queueId);
        }
    }

    @Override
    public String toString()
    {
        return topic + "@" + brokerName + ":" + queueId;
    }
}

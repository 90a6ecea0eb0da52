package io.rocklet.testkit;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.QueueOffsets;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the test broker directly (no client, no route) how many messages its queues hold and how far a group has
 * committed. The broker answers queue offsets once every acknowledged send is readable, so a count taken right
 * after a send includes it. Thread-safe.
 */
final class BrokerProbe
{
    private static final long CALL_TIMEOUT_MS = 10_000;

    private final BrokerService broker;

    BrokerProbe(final BrokerService broker)
    {
        this.broker = broker;
    }

    /**
     * @return the topic's readable queue count.
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} when the broker has no such topic.
     */
    int queues(final String topic)
    {
        for (final TopicConfig config : call(broker.topics(), "topics"))
        {
            if (config.name().equals(topic))
            {
                return config.readQueues();
            }
        }
        throw new RockletException(ErrorCode.TOPIC_NOT_FOUND, "topic not found on the test broker: topic=" + topic);
    }

    /**
     * @return queue id to the messages it holds (next offset minus first offset), in queue order.
     */
    Map<Integer, Long> messageCounts(final String topic)
    {
        final Map<Integer, Long> counts = new TreeMap<>();
        final int queues = queues(topic);
        for (int queue = 0; queue < queues; queue++)
        {
            final QueueOffsets offsets = call(broker.queueOffsets(topic, queue), "queueOffsets");
            counts.put(queue, offsets.maxOffset() - offsets.minOffset());
        }
        return counts;
    }

    /**
     * @return queue id to the offset the next message stored there will get.
     */
    Map<Integer, Long> endOffsets(final String topic)
    {
        final Map<Integer, Long> ends = new TreeMap<>();
        final int queues = queues(topic);
        for (int queue = 0; queue < queues; queue++)
        {
            ends.put(queue, call(broker.queueOffsets(topic, queue), "queueOffsets").maxOffset());
        }
        return ends;
    }

    /**
     * @return the messages of {@code topic} below the group's committed offsets, over every queue: the messages
     *     the group consumed when it started at the first one.
     */
    long consumed(final String group, final String topic)
    {
        long consumed = 0;
        final int queues = queues(topic);
        for (int queue = 0; queue < queues; queue++)
        {
            final long committed = committed(group, topic, queue);
            if (committed > 0)
            {
                consumed += committed - call(broker.queueOffsets(topic, queue), "queueOffsets").minOffset();
            }
        }
        return consumed;
    }

    private long committed(final String group, final String topic, final int queue)
    {
        try
        {
            return call(broker.queryOffset(group, topic, queue), "queryOffset");
        }
        catch (final RockletException e)
        {
            if (e.errorCode() == ErrorCode.GROUP_NOT_FOUND)
            {
                return -1; // the group has not committed anything yet
            }
            throw e;
        }
    }

    private static <T> T call(final CompletableFuture<T> answer, final String what)
    {
        try
        {
            return answer.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException e)
        {
            if (e.getCause() instanceof RockletException rocklet)
            {
                // a new exception, so that the stack trace shows the test's call
                throw new RockletException(rocklet.errorCode(), rocklet.getMessage(), rocklet);
            }
            throw new RockletException(ErrorCode.INTERNAL_ERROR, "test broker call failed: call=" + what, e.getCause());
        }
        catch (final TimeoutException e)
        {
            throw new RockletException(ErrorCode.TIMEOUT, "test broker did not answer: call=" + what +
                ", timeoutMs=" + CALL_TIMEOUT_MS, e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new RockletException(ErrorCode.INTERNAL_ERROR, "interrupted waiting for the test broker: call=" +
                what, e);
        }
    }
}

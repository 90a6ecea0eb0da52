package io.rocklet.testkit;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads every queue of one topic from the first message, in a consumer group of its own, for
 * {@link TestTopic#receive} and {@link TestTopic#drain}: each message is returned once, in queue order per queue.
 * Messages polled beyond what a call asked for wait for the next call. Thread-safe (calls are serialised).
 */
final class TopicReader implements AutoCloseable
{
    private static final long MAX_POLL_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String topic;
    private final PullConsumer consumer;
    private final Deque<ReceivedMessage> pending = new ArrayDeque<>();
    private final List<ReceivedMessage> returned = new ArrayList<>();
    private final Map<Integer, Long> nextOffsets = new HashMap<>();

    TopicReader(final RockletClient client, final String topic, final String group)
    {
        this.topic = topic;
        this.consumer = client.newPullConsumer(PullConsumerConfig.builder(group).consumeFrom(ConsumeFrom.FIRST)
            .autoCommit(false).build());
        try
        {
            consumer.assign(consumer.queues(topic));
        }
        catch (final RuntimeException e)
        {
            consumer.close();
            throw e;
        }
    }

    /**
     * @return the next {@code count} messages, or fewer when {@code deadlineNs} passes first.
     */
    synchronized List<ReceivedMessage> receive(final int count, final long deadlineNs)
    {
        while (pending.size() < count && Waits.remainingNs(deadlineNs) > 0)
        {
            poll(deadlineNs);
        }
        final List<ReceivedMessage> taken = new ArrayList<>(Math.min(count, pending.size()));
        while (taken.size() < count && !pending.isEmpty())
        {
            taken.add(pending.poll());
        }
        returned.addAll(taken);
        return taken;
    }

    /**
     * @param endOffsets queue id to the offset to read up to (exclusive).
     * @return every message below {@code endOffsets} not returned yet; fewer when {@code deadlineNs} passes first.
     */
    synchronized List<ReceivedMessage> drain(final Map<Integer, Long> endOffsets, final long deadlineNs)
    {
        while (!reached(endOffsets) && Waits.remainingNs(deadlineNs) > 0)
        {
            poll(deadlineNs);
        }
        // messages above the end (of queues that moved on meanwhile) wait for the next call, in their order
        final List<ReceivedMessage> taken = new ArrayList<>();
        final List<ReceivedMessage> later = new ArrayList<>();
        for (final ReceivedMessage message : pending)
        {
            (below(message, endOffsets) ? taken : later).add(message);
        }
        pending.clear();
        pending.addAll(later);
        returned.addAll(taken);
        return taken;
    }

    /**
     * @return every message returned so far, in the order returned.
     */
    synchronized List<ReceivedMessage> returned()
    {
        return List.copyOf(returned);
    }

    /**
     * @return the messages polled but not returned yet.
     */
    synchronized List<ReceivedMessage> pending()
    {
        return List.copyOf(pending);
    }

    String topic()
    {
        return topic;
    }

    @Override
    public void close()
    {
        consumer.close();
    }

    private void poll(final long deadlineNs)
    {
        final long waitNs = Math.max(1, Math.min(MAX_POLL_NS, Waits.remainingNs(deadlineNs)));
        for (final ReceivedMessage message : consumer.poll(Duration.ofNanos(waitNs)))
        {
            pending.add(message);
            nextOffsets.merge(message.queueId(), message.queueOffset() + 1, Math::max);
        }
    }

    private boolean reached(final Map<Integer, Long> endOffsets)
    {
        for (final Map.Entry<Integer, Long> end : endOffsets.entrySet())
        {
            if (nextOffsets.getOrDefault(end.getKey(), 0L) < end.getValue())
            {
                return false;
            }
        }
        return true;
    }

    private static boolean below(final ReceivedMessage message, final Map<Integer, Long> endOffsets)
    {
        return message.queueOffset() < endOffsets.getOrDefault(message.queueId(), 0L);
    }
}

package io.rocklet.broker.internal;

import io.rocklet.api.Delay;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.StoredMessage;
import org.agrona.concurrent.EpochClock;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides where a sent message is stored: in its own topic and queue (no delay, or a delivery time already
 * passed), in the schedule topic for a delay level ({@link DelayLevels}), or in {@link SystemTopics#TIMER_TOPIC}
 * queue 0 for a delivery time, carrying its real topic, queue and due time as properties until the broker's timer
 * puts it back. Checks the delay first: a level the broker has, a time no further ahead than the maximum delay.
 * Stateless apart from its settings; any thread.
 */
public final class Delays
{
    /** The one queue of the timer topic. */
    public static final int TIMER_QUEUE = 0;

    private final DelayLevels levels;
    private final EpochClock clock;
    private final long maxDelayMs;

    public Delays(final DelayLevels levels, final EpochClock clock, final long maxDelayMs)
    {
        this.levels = levels;
        this.clock = clock;
        this.maxDelayMs = maxDelayMs;
    }

    /**
     * @param message      the message as sent.
     * @param queueId      its queue in its topic.
     * @param requestLevel the send request's delay level (0: the message's own delay decides).
     * @param bornMs       when the producer made it.
     * @param producerId   the producer's client id.
     * @return what to append.
     * @throws InvalidArgumentException for a level the broker does not have, a request level that contradicts the
     *                                  message's delay, or a delivery time beyond the maximum delay.
     */
    public AppendRequest appendRequest(final Message message, final int queueId, final int requestLevel,
        final long bornMs, final String producerId)
    {
        final Delay delay = delayOf(message, requestLevel);
        if (delay.level() > 0)
        {
            levels.check(delay.level(), "illegal delay level: topic=" + message.topic());
            return new AppendRequest(DelayLevels.toSchedule(message, queueId, delay.level()),
                DelayLevels.scheduleQueue(delay.level()), bornMs, producerId, 0, 0L, 0);
        }
        if (delay.isTimed())
        {
            final long nowMs = clock.time();
            final long dueMs = delay.dueMs(nowMs);
            if (dueMs - nowMs > maxDelayMs)
            {
                throw new InvalidArgumentException("delivery delay too long: topic=" + message.topic() +
                    ", delayMs=" + (dueMs - nowMs) + ", deliverAtMs=" + dueMs + ", maxDelayMs=" + maxDelayMs);
            }
            if (dueMs > nowMs)
            {
                return new AppendRequest(toTimer(message, queueId, dueMs), TIMER_QUEUE, bornMs, producerId, 0, 0L, 0);
            }
        }
        return new AppendRequest(message, queueId, bornMs, producerId, 0, 0L, 0);
    }

    private Delay delayOf(final Message message, final int requestLevel)
    {
        if (requestLevel == 0)
        {
            return message.delay();
        }
        if (requestLevel < 0)
        {
            levels.check(requestLevel, "illegal delay level: topic=" + message.topic());
        }
        if (message.delay().isDelayed() && message.delay().level() != requestLevel)
        {
            throw new InvalidArgumentException("illegal delay level: topic=" + message.topic() + ", delayLevel=" +
                requestLevel + ", messageDelay=" + message.delay() + " (the request and the message disagree)");
        }
        return Delay.level(requestLevel);
    }

    /**
     * @param waiting a message stored in the schedule or timer topic.
     * @return the append that puts it back in its real topic and queue: same tag, keys, body, born time, producer,
     *     reconsume count and flags; its properties less the ones the broker added to make it wait.
     * @throws InvalidArgumentException when its destination properties are missing or malformed.
     */
    public static AppendRequest toRealTopic(final StoredMessage waiting)
    {
        final Map<String, String> properties = new HashMap<>(waiting.properties());
        final String realTopic = properties.remove(SystemProperties.REAL_TOPIC);
        final String realQueue = properties.remove(SystemProperties.REAL_QUEUE_ID);
        properties.remove(SystemProperties.DELAY_LEVEL);
        properties.remove(SystemProperties.DELIVER_AT_MS);
        try
        {
            final int queueId = Integer.parseInt(realQueue);
            final Message message = new Message(realTopic, waiting.tag(), waiting.keys(), properties,
                waiting.bodyBytes());
            return new AppendRequest(message, queueId, waiting.bornTimestampMs(), waiting.producerId(),
                waiting.reconsumeTimes(), 0L, waiting.flags());
        }
        catch (final RuntimeException e)
        {
            throw new InvalidArgumentException("delayed message without a valid destination: topic=" +
                waiting.topic() + ", queueOffset=" + waiting.queueOffset() + ", realTopic=" + realTopic +
                ", realQueueId=" + realQueue + ", error=" + e.getMessage());
        }
    }

    /**
     * @return the message as it waits in the timer topic (same tag, keys and body, no delay).
     */
    static Message toTimer(final Message message, final int realQueueId, final long dueMs)
    {
        final Map<String, String> properties = new HashMap<>(message.properties());
        properties.put(SystemProperties.REAL_TOPIC, message.topic());
        properties.put(SystemProperties.REAL_QUEUE_ID, Integer.toString(realQueueId));
        properties.put(SystemProperties.DELIVER_AT_MS, Long.toString(dueMs));
        return new Message(SystemTopics.TIMER_TOPIC, message.tag(), message.keys(), properties, message.body());
    }
}

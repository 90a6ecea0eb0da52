package io.rocklet.broker.internal;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The delay levels (level 1 is the first) and how a message waits for one: it is stored in
 * {@link SystemTopics#SCHEDULE_TOPIC}, queue {@code level - 1}, carrying its real topic, queue and level as
 * properties, until the {@link ScheduleService} puts it back. Immutable.
 */
public final class DelayLevels
{
    private final long[] delayMs;

    public DelayLevels(final List<Duration> levels)
    {
        this.delayMs = levels.stream().mapToLong(Duration::toMillis).toArray();
    }

    /**
     * @return how many levels there are.
     */
    public int count()
    {
        return delayMs.length;
    }

    /**
     * Checks a delay level a request asked for.
     *
     * @param level 0 (no delay) or 1 to {@link #count()}.
     * @param what  what failed, for the message: {@code "<what>, delayLevel=<level>, levels=<count>"}.
     * @throws InvalidArgumentException when the level is not one of the configured levels.
     */
    public void check(final int level, final String what)
    {
        if (level < 0 || level > delayMs.length)
        {
            throw new InvalidArgumentException(what + ", delayLevel=" + level + ", levels=" + delayMs.length +
                ", allowed=0.." + delayMs.length + " (0: no delay)");
        }
    }

    /**
     * @return {@code level}, or the last level when it is beyond.
     */
    public int cap(final int level)
    {
        return Math.min(level, delayMs.length);
    }

    /**
     * @param level 1 to {@link #count()}.
     * @return the level's delay.
     */
    public long delayMs(final int level)
    {
        return delayMs[level - 1];
    }

    /**
     * @param message     the message to deliver later.
     * @param realQueueId the queue to deliver it to.
     * @param level       its delay level, 1 to {@link #count()}.
     * @return the message as it waits in the schedule topic (same tag, keys and body).
     */
    public static Message toSchedule(final Message message, final int realQueueId, final int level)
    {
        final Map<String, String> properties = new HashMap<>(message.properties());
        properties.put(SystemProperties.REAL_TOPIC, message.topic());
        properties.put(SystemProperties.REAL_QUEUE_ID, Integer.toString(realQueueId));
        properties.put(SystemProperties.DELAY_LEVEL, Integer.toString(level));
        return new Message(SystemTopics.SCHEDULE_TOPIC, message.tag(), message.keys(), properties, message.body());
    }

    /**
     * @return the schedule queue of a level.
     */
    public static int scheduleQueue(final int level)
    {
        return level - 1;
    }
}

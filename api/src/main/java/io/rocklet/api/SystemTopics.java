package io.rocklet.api;

/**
 * Names the broker reserves. Topics starting with {@code %} are system topics: producers cannot send to
 * them directly (the broker writes them: retries, dead letters, scheduled messages).
 */
public final class SystemTopics
{
    /** Prefix of a group's retry topic: {@code %RETRY%<group>}. */
    public static final String RETRY_PREFIX = "%RETRY%";
    /** Prefix of a group's dead-letter topic: {@code %DLQ%<group>}. */
    public static final String DLQ_PREFIX = "%DLQ%";
    /** Where messages wait for their delay level; queue {@code level - 1} per level. */
    public static final String SCHEDULE_TOPIC = "%SCHEDULE%";
    /** Where messages wait for a delivery time (one queue); the broker's timer puts them back when due. */
    public static final String TIMER_TOPIC = "%TIMER%";

    /** Where half messages of transactions wait for their outcome (one queue), invisible to consumers. */
    public static final String TRANSACTION_HALF_TOPIC = "%TRANS_HALF%";
    /** The op records of transactions (one queue): each finishes or counts a check of a half message. */
    public static final String TRANSACTION_OP_TOPIC = "%TRANS_OP%";

    private SystemTopics()
    {
    }

    public static String retryTopic(final String group)
    {
        return RETRY_PREFIX + group;
    }

    public static String dlqTopic(final String group)
    {
        return DLQ_PREFIX + group;
    }

    /**
     * @return true for names producers may not send to.
     */
    public static boolean isSystem(final String topic)
    {
        return topic.startsWith("%");
    }
}

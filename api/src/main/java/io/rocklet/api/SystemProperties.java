package io.rocklet.api;

/**
 * Message properties the broker sets; names start with {@code __}, which user properties should avoid.
 */
public final class SystemProperties
{
    /**
     * On every message: its unique id ({@link UniqueMessageIds}), set by the producer before the first send attempt
     * (by the broker for a message that arrives without one) and copied to its retry, schedule and dead-letter
     * copies; what {@link MessageView#messageId()} answers.
     */
    public static final String UNIQUE_ID = "__UNIQ_ID";
    /** On a retried or dead-lettered message: the topic it was first sent to. */
    public static final String ORIGIN_TOPIC = "__ORIGIN_TOPIC";
    /** On a retried or dead-lettered message: the offset id ({@link MessageView#offsetMessageId()}) of the copy
     * first sent back. */
    public static final String ORIGIN_MESSAGE_ID = "__ORIGIN_MSG_ID";
    /** On a scheduled or timed message: the topic to deliver it to when due. */
    public static final String REAL_TOPIC = "__REAL_TOPIC";
    /** On a scheduled or timed message: the queue to deliver it to when due. */
    public static final String REAL_QUEUE_ID = "__REAL_QUEUE_ID";
    /** On a scheduled message: its delay level. */
    public static final String DELAY_LEVEL = "__DELAY_LEVEL";
    /** On a message waiting for a delivery time: when it is due (ms since the epoch, the broker's clock). */
    public static final String DELIVER_AT_MS = "__DELIVER_AT_MS";
    /** On a recall record in the timer topic: the timer-queue offset of the message it recalls. */
    public static final String RECALL_QUEUE_OFFSET = "__RECALL_QUEUE_OFFSET";

    /** On a transactional message: {@code "true"}; the broker stores it as a half message until its outcome. */
    public static final String TRANSACTION_PREPARED = "__TRAN_MSG";
    /** On a half message: the producer group whose producers the broker asks about its outcome. */
    public static final String PRODUCER_GROUP = "__PGROUP";
    /**
     * On a transactional message, optional: seconds before the broker first checks its outcome (RocketMQ's
     * {@code CHECK_IMMUNITY_TIME_IN_SECONDS}), instead of the broker's transaction timeout.
     */
    public static final String CHECK_IMMUNITY_TIME_IN_SECONDS = "__CHECK_IMMUNITY_TIME_IN_SECONDS";
    /** On a transactional op record: the half-topic queue offset of the half message it finishes or checks. */
    public static final String TRANSACTION_HALF_OFFSET = "__TRAN_HALF_OFFSET";

    private SystemProperties()
    {
    }
}

package io.rocklet.api;

import io.rocklet.api.admin.ClusterStatus;
import io.rocklet.api.admin.ConsumerProgress;
import io.rocklet.api.admin.GroupInfo;
import io.rocklet.api.admin.GroupMember;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.api.admin.ResentMessage;
import io.rocklet.api.admin.TopicInfo;
import io.rocklet.api.admin.TopicRouteInfo;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.auth.AccessAdmin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operations on topics, consumer groups, messages, dead letters and the cluster. Every method is synchronous: it
 * asks the routers which brokers there are, then the brokers' masters in parallel (each call bounded by the
 * client's request timeout), and fails - naming every broker that failed - unless all of them answer. Results are
 * immutable records of {@code io.rocklet.api.admin}.
 *
 * <p>Errors: an unknown topic fails with {@link ErrorCode#TOPIC_NOT_FOUND}, an unknown consumer group with
 * {@link ErrorCode#GROUP_NOT_FOUND}, an unknown message id with {@link ErrorCode#MESSAGE_NOT_FOUND} (each naming
 * what was asked for); a malformed argument throws {@link InvalidArgumentException} naming the field. A group is
 * known once one of its members has heartbeaten a broker, and stays known while a broker keeps committed offsets
 * or a retry or dead-letter topic for it. Thread-safe.
 */
public interface Admin
{
    // ---- topics

    /**
     * Creates (or updates) a topic on every broker of the cluster(s) the routers know.
     */
    void createTopic(TopicConfig topic);

    /**
     * Creates (or updates) a topic on the named brokers only.
     */
    void createTopic(TopicConfig topic, Collection<String> brokerNames);

    /**
     * Changes a topic's queue counts, permission or order flag on every broker that holds it (and no other).
     *
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} when no broker has it.
     */
    void updateTopic(TopicConfig topic);

    /**
     * Deletes a topic from every broker that has it, with its messages as far as anyone can see: a topic created
     * again under the name starts empty at offset 0, and no earlier message of it is found by pull, key or id (the
     * records leave the log with retention).
     *
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} when no broker has it.
     */
    void deleteTopic(String topic);

    /**
     * @return every topic of every broker, system topics included ({@link TopicInfo#system()}), sorted by name.
     */
    List<TopicInfo> topics();

    /**
     * @return the topic's route as a router serves it (asked afresh, not from the client's cache).
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} when no router knows the topic.
     */
    TopicRouteInfo route(String topic);

    /**
     * @return every queue of {@code topic} on every broker.
     */
    List<MessageQueue> queues(String topic);

    /**
     * Counts every message whose send was acknowledged before the call.
     *
     * @return the first and next offsets and the message count of every queue of the topic, sorted by broker and
     *     queue id.
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} when no broker has the topic.
     */
    List<QueueStats> queueStats(String topic);

    // ---- consumer groups

    /**
     * @return every consumer group any broker knows, sorted by name.
     */
    List<GroupInfo> groups();

    /**
     * @return the group's live members, sorted by client id (empty when it is known but none is running).
     * @throws RockletException with {@link ErrorCode#GROUP_NOT_FOUND} when no broker knows the group.
     */
    List<GroupMember> members(String group);

    /**
     * @return per queue of every topic the group subscribes to or has committed offsets for: the broker's offsets,
     *     the group's committed offset and the lag.
     * @throws RockletException with {@link ErrorCode#GROUP_NOT_FOUND} when no broker knows the group.
     */
    ConsumerProgress progress(String group);

    /**
     * Moves a clustering group's committed offsets for {@code topic} to the first message stored at or after
     * {@code timestampMs} - back or forward; members pick the new offsets up at once. A time outside the retained
     * range is clamped: before the oldest message still stored it resets to the queue's first retained offset, after
     * the newest to its end; the returned offsets show where each queue went.
     *
     * @return the new offset of every queue.
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} or {@link ErrorCode#GROUP_NOT_FOUND}.
     */
    Map<MessageQueue, Long> resetOffsets(String group, String topic, long timestampMs);

    /**
     * Moves a clustering group's committed offsets for {@code topic} to the first retained or the last message.
     *
     * @param position FIRST or LAST.
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} or {@link ErrorCode#GROUP_NOT_FOUND}.
     */
    Map<MessageQueue, Long> resetOffsets(String group, String topic, ConsumeFrom.Position position);

    // ---- messages

    /**
     * @param messageId a unique id ({@link MessageView#messageId()}, {@link UniqueMessageIds}) or an offset id
     *                  ({@link MessageView#offsetMessageId()}).
     * @return the message with this id, with every property, from whichever broker stores it - for a unique id the
     *     oldest stored copy (the one sent, not its retry or dead-letter copies); empty when none does (never stored,
     *     deleted by retention, or its topic deleted).
     */
    Optional<MessageDetail> messageById(String messageId);

    /**
     * Recalls (cancels) a delayed message before it is due, as {@link Producer#recall} does: every broker holding the
     * topic is asked.
     *
     * @param topic     the topic the message was sent to.
     * @param messageId its unique id ({@link SendReceipt#messageId()}).
     * @return true when the message was waiting and will never be delivered; false when no broker holds it waiting
     *     (unknown, not delayed, already due or delivered, recalled before).
     * @throws InvalidArgumentException for a malformed topic or id.
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} when no broker has the topic.
     */
    boolean recall(String topic, String messageId);

    /**
     * Finds every message whose send was acknowledged before the call.
     *
     * @return messages of {@code topic} carrying {@code key}, stored within [{@code beginTimestampMs},
     *     {@code endTimestampMs}], oldest first (by store time, then log position); the newest {@code maxCount} (1 to 1024) when more match.
     * @throws RockletException with {@link ErrorCode#TOPIC_NOT_FOUND} when no broker has the topic.
     */
    List<MessageDetail> messagesByKey(String topic, String key, long beginTimestampMs, long endTimestampMs,
        int maxCount);

    // ---- retry and dead letters

    /**
     * @return the oldest {@code maxCount} (at least 1) messages of the group's dead-letter topic
     *     {@code %DLQ%<group>} on every broker, oldest first; empty when nothing was dead-lettered.
     * @throws RockletException with {@link ErrorCode#GROUP_NOT_FOUND} when no broker knows the group.
     */
    List<MessageDetail> deadLetters(String group, int maxCount);

    /**
     * Sends one dead letter of the group again to the topic it was first sent to (with its tag, keys, user
     * properties and body; a queue of that topic is chosen by the message's original id). The dead letter stays in
     * the dead-letter topic: the log is append-only.
     *
     * @param messageId the dead letter's id as {@link #deadLetters} lists it (the message's unique id: its latest
     *                  dead letter is re-sent, keeping the id), or the dead letter's offset id.
     * @throws RockletException with {@link ErrorCode#MESSAGE_NOT_FOUND} when no broker stores it,
     *                          {@link ErrorCode#GROUP_NOT_FOUND}, or {@link ErrorCode#TOPIC_NOT_FOUND} when the
     *                          original topic no longer exists.
     * @throws InvalidArgumentException when the message is not a dead letter of the group.
     */
    ResentMessage resendDeadLetter(String group, String messageId);

    /**
     * Sends every message currently in the group's dead-letter topic again, as {@link #resendDeadLetter} does.
     * Calling it twice sends them twice.
     *
     * @return one entry per message sent, oldest first.
     * @throws RockletException with {@link ErrorCode#GROUP_NOT_FOUND} when no broker knows the group.
     */
    List<ResentMessage> resendDeadLetters(String group);

    // ---- transactions

    /**
     * Asks every broker master for the producer group's transactions: those open (half message waiting for its
     * outcome) and those the broker rolled back after the maximum number of check-backs.
     *
     * @return sorted by broker, then half offset.
     * @throws InvalidArgumentException for an illegal group name.
     */
    List<TransactionInfo> transactions(String producerGroup);

    // ---- cluster

    /**
     * Asks every configured router which brokers it knows, then every broker for its state. Never fails because
     * a router or broker is down: that shows as {@code reachable == false} with the error.
     */
    ClusterStatus clusterStatus();

    // ---- users and policies

    /**
     * @param brokerAddress the transport address of one broker (master or slave: each keeps its own rules).
     * @return the users and policies of that broker; calls are signed with this client's credentials.
     */
    AccessAdmin brokerAccess(String brokerAddress);

    /**
     * @param routerAddress the transport address of one router.
     * @return the users and policies of that router; calls are signed with this client's credentials.
     */
    AccessAdmin routerAccess(String routerAddress);
}

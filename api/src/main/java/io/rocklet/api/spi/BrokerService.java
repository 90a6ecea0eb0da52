package io.rocklet.api.spi;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.Message;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageView;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The broker's contract: what producers, consumers and admin tools ask a broker. Every call completes
 * its future with the answer or a {@link io.rocklet.api.RockletException} whose
 * {@link io.rocklet.api.ErrorCode} says what went wrong (BUSY and BROKER_UNAVAILABLE are retriable).
 * The local transport passes these objects as they are; the gRPC transport carries exactly these
 * fields.
 */
public interface BrokerService extends AccessService
{
    /**
     * @return which broker this is.
     */
    CompletableFuture<RouterService.BrokerIdentity> identity();

    // ---- producing

    /**
     * Stores one message in one queue.
     */
    CompletableFuture<SendResult> send(SendRequest request);

    /**
     * Stores messages of one topic in one queue, in order.
     */
    CompletableFuture<List<SendResult>> sendBatch(SendBatchRequest request);

    /**
     * Recalls (cancels) a delayed message of the request's topic before it is due (RocketMQ 5.3's recall), by level
     * or by delivery time: once answered {@link RecallStatus#RECALLED}, the message is never delivered, also after a
     * restart or a crash of the broker. Answers once every send acknowledged before the call is indexed.
     *
     * @return what became of the message on this broker; fails with INVALID_ARGUMENT for a malformed topic or id.
     */
    CompletableFuture<RecallStatus> recall(RecallRequest request);

    // ---- transactions

    /**
     * Finishes a transaction whose half message this broker stores ({@link io.rocklet.api.SystemProperties#TRANSACTION_PREPARED}
     * on a send): COMMIT puts the message into its topic (keeping its unique id, keys and properties), ROLLBACK drops
     * it. Idempotent: a second commit of a committed transaction answers ALREADY_COMMITTED and delivers nothing.
     *
     * @return what became of the transaction; fails with INVALID_ARGUMENT for a malformed request (a resolution of
     *     UNKNOWN), NOT_MASTER on a slave.
     */
    CompletableFuture<EndTransactionStatus> endTransaction(EndTransactionRequest request);

    /**
     * Registers a live producer of {@code producerGroup} that answers check-backs: the broker calls {@code listener}
     * with a transaction of the group whose outcome did not arrive within its timeout, one watcher of the group per
     * check, until the subscription is closed; the producer answers with {@link #endTransaction} (fromCheck). The
     * listener must not block.
     */
    Subscription watchTransactionChecks(String producerGroup, String clientId, Consumer<TransactionCheck> listener);

    /**
     * @return the group's transactions this broker holds open, and those it rolled back after the maximum number of
     *     check-backs (the most recent ones), by half offset.
     */
    CompletableFuture<List<TransactionInfo>> transactions(String producerGroup);

    // ---- consuming

    /**
     * Reads messages of one queue; when there are none yet, holds the request up to its long-poll timeout and
     * answers as soon as a message arrives.
     */
    CompletableFuture<PullResult> pull(PullRequest request);

    /**
     * Tells the broker which consumer groups (and producer groups) a client belongs to; a client heartbeats
     * every broker periodically and whenever its groups change. Joining or changing a group notifies the
     * group's watchers.
     */
    CompletableFuture<Void> heartbeat(ClientHeartbeat heartbeat);

    /**
     * Removes a client from a group at once (orderly shutdown); the group's watchers are notified.
     */
    CompletableFuture<Void> unregisterClient(String clientId, String group);

    /**
     * @return the client ids of the group's live members, sorted.
     */
    CompletableFuture<List<String>> groupMembers(String group);

    /**
     * Calls {@code listener} when the group's membership changes or its offsets are reset, until the
     * subscription is closed. The listener must not block.
     */
    Subscription watchGroup(String group, String clientId, Consumer<GroupEvent> listener);

    CompletableFuture<Void> commitOffsets(CommitOffsetsRequest request);

    /**
     * Answers once every send acknowledged before the call is readable when the group has no committed offset.
     *
     * @return the group's committed offset for the queue; when it has none, 0 for a queue whose every message was
     *     stored after the group first subscribed to the topic (a queue that did not exist, or held nothing, then: it
     *     is consumed from its start, unless a member starts at a TIMESTAMP), else -1 (the consumer's
     *     {@link ConsumeFrom} decides).
     */
    CompletableFuture<Long> queryOffset(String group, String topic, int queueId);

    /**
     * @return the queue's first and next offsets.
     */
    CompletableFuture<QueueOffsets> queueOffsets(String topic, int queueId);

    /**
     * @return the first offset of the queue whose message was stored at or after {@code timestampMs}.
     */
    CompletableFuture<Long> searchOffset(String topic, int queueId, long timestampMs);

    /**
     * Locks queues for orderly consumption by one client of the group; a lock expires unless renewed.
     *
     * @return the queues the client holds now (a subset of those asked for).
     */
    CompletableFuture<List<QueueRef>> lockQueues(LockRequest request);

    CompletableFuture<Void> unlockQueues(LockRequest request);

    /**
     * Sends a message a consumer failed to process back for redelivery: to the group's retry topic after the
     * back-off of its delay level, or to the group's dead-letter topic after the maximum attempts.
     */
    CompletableFuture<Void> sendBack(SendBackRequest request);

    // ---- administration

    CompletableFuture<Void> createOrUpdateTopic(TopicConfig topic);

    /**
     * Removes the topic and its messages from view (its queues restart empty at offset 0; earlier records are found
     * by no pull, key or id lookup); answers once the queues are reset.
     */
    CompletableFuture<Void> deleteTopic(String topic);

    /**
     * @return every topic this broker holds.
     */
    CompletableFuture<List<TopicConfig>> topics();

    /**
     * Sets a group's committed offsets for a topic's queues on this broker to the position given; the group's
     * members are told at once.
     *
     * @return queue id to new offset.
     */
    CompletableFuture<Map<Integer, Long>> resetOffsets(ResetOffsetsRequest request);

    /**
     * @return the broker's state: identity, start time, how many topics, groups and clients it holds, store health.
     */
    CompletableFuture<BrokerStatus> status();

    /**
     * Answers once every send acknowledged before the call is readable, so the max offsets count them all.
     *
     * @return queue id to the queue's first and next offsets, for every queue of the topic on this broker; fails with
     *     TOPIC_NOT_FOUND when this broker does not have the topic.
     */
    CompletableFuture<Map<Integer, QueueOffsets>> topicOffsets(String topic);

    /**
     * @return every consumer group this broker knows (live members, committed offsets, or a retry or dead-letter
     *     topic), sorted by name.
     */
    CompletableFuture<List<GroupState>> consumerGroups();

    /**
     * Answers once every send acknowledged before the call is readable (see {@link #topicOffsets}).
     *
     * @return per queue of every topic the group subscribes to or has committed offsets for on this broker: the
     *     queue's offsets and the group's committed offset, sorted by topic and queue; fails with GROUP_NOT_FOUND
     *     when this broker does not know the group.
     */
    CompletableFuture<List<QueueConsumeState>> consumerProgress(String group);

    /**
     * @param messageId an offset id (24 hex digits) or a unique id ({@link io.rocklet.api.UniqueMessageIds}).
     * @return for an offset id, the message it names when this broker stores it (one element); for a unique id,
     *     every copy of the message this broker stores (as sent, retried, dead-lettered), oldest first; else an empty
     *     list; fails with INVALID_ARGUMENT when the id has neither form.
     */
    CompletableFuture<List<MessageView>> messageById(String messageId);

    /**
     * Answers once every send acknowledged before the call is indexed.
     *
     * @return messages of the query's topic carrying its key, stored within its time range, oldest first (the newest
     *     {@code maxCount} when more match); fails with TOPIC_NOT_FOUND when this broker does not have the topic.
     */
    CompletableFuture<List<MessageView>> messagesByKey(KeyQuery query);

    // ---- replication (broker to broker)

    /**
     * A slave's long-poll fetch of its master's commit log (Kafka-style: the fetch offset is the slave's
     * acknowledgement of everything before it). The master checks the request is from a slave of its own replica set,
     * records the acknowledgement, and answers with the raw bytes from {@code fetchOffset} on - at once when there are
     * some, else when some arrive or after {@code maxWaitMs} with none - together with its epoch history and log end,
     * which the slave checks its own log against. Fails with NOT_MASTER on a slave, REPLICA_MISMATCH for a request
     * from another replica set or cluster, INVALID_ARGUMENT for an offset beyond the master's log end.
     */
    default CompletableFuture<ReplicaFetchResult> fetchReplica(final ReplicaFetchRequest request)
    {
        return CompletableFuture.failedFuture(new io.rocklet.api.RockletException(io.rocklet.api.ErrorCode.REPLICA_MISMATCH,
            "this broker service does not replicate: service=" + getClass().getName()));
    }

    /**
     * A slave's periodic copy of its master's metadata: topic configs, committed consumer offsets, subscription
     * times and delay-level progress. The request carries the offsets consumers committed to the slave since its last
     * copy (while the master was away); the master takes those ahead of its own before it answers. Fails as
     * {@link #fetchReplica}.
     */
    default CompletableFuture<ReplicaMetadata> fetchReplicaMetadata(final ReplicaMetadataRequest request)
    {
        return CompletableFuture.failedFuture(new io.rocklet.api.RockletException(io.rocklet.api.ErrorCode.REPLICA_MISMATCH,
            "this broker service does not replicate: service=" + getClass().getName()));
    }

    // ---- contracts

    /**
     * @param producerGroup the group of the producer that ends the transaction.
     * @param topic         the message's topic.
     * @param messageId     the message's unique id (the transaction id).
     * @param halfOffset    the half message's offset in the broker's half topic ({@link SendResult#queueOffset()}).
     * @param resolution    COMMIT or ROLLBACK.
     * @param fromCheck     true when this answers a check-back.
     */
    record EndTransactionRequest(String producerGroup, String topic, String messageId, long halfOffset,
        TransactionResolution resolution, boolean fromCheck)
    {
    }

    /**
     * The answer to an {@link EndTransactionRequest}.
     */
    enum EndTransactionStatus
    {
        /** This request committed the transaction: the message is delivered. */
        COMMITTED,
        /** This request rolled the transaction back: the message is dropped. */
        ROLLED_BACK,
        /** It was committed before (nothing delivered again). */
        ALREADY_COMMITTED,
        /** It was rolled back before (by a rollback or after the maximum number of checks). */
        ALREADY_ROLLED_BACK,
        /** This broker holds no half message with that offset and id. */
        NOT_FOUND
    }

    /**
     * A broker's question about an open transaction, to one live producer of its group.
     *
     * @param producerGroup the group.
     * @param brokerName    the broker asking (answer it there).
     * @param messageId     the message's unique id (the transaction id).
     * @param halfOffset    the half message's offset in the broker's half topic.
     * @param message       the message as it will be delivered on commit.
     */
    record TransactionCheck(String producerGroup, String brokerName, String messageId, long halfOffset,
        Message message)
    {
    }

    /**
     * @param topic     the topic the delayed message was sent to.
     * @param messageId its unique id ({@link io.rocklet.api.SendReceipt#messageId()}).
     */
    record RecallRequest(String topic, String messageId)
    {
    }

    /**
     * The answer to a {@link RecallRequest}.
     */
    enum RecallStatus
    {
        /** The message was waiting and will never be delivered. */
        RECALLED,
        /** The message was recalled before. */
        ALREADY_RECALLED,
        /** The message is due: delivered already, or being delivered. */
        ALREADY_DUE,
        /** The message is stored in the topic but was never delayed. */
        NOT_DELAYED,
        /** This broker holds no message of the topic with this id. */
        NOT_FOUND
    }

    /**
     * @param producerGroup   the sender's group.
     * @param producerId      the sender's client id.
     * @param message         the message.
     * @param queueId         the queue.
     * @param bornTimestampMs when the producer made the request.
     * @param delayLevel      deliver after the back-off of this level (1-based), or 0 for at once.
     */
    record SendRequest(String producerGroup, String producerId, Message message, int queueId, long bornTimestampMs,
        int delayLevel)
    {
    }

    /**
     * @param messageId        the message's unique id (given by the producer, or by the broker when it had none).
     * @param brokerName       the broker that stored it.
     * @param queueId          its queue.
     * @param queueOffset      its position in the queue.
     * @param storeTimestampMs when it was stored.
     */
    record SendResult(String messageId, String brokerName, int queueId, long queueOffset, long storeTimestampMs)
    {
    }

    record SendBatchRequest(String producerGroup, String producerId, String topic, int queueId, List<Message> messages,
        long bornTimestampMs)
    {
        public SendBatchRequest
        {
            messages = List.copyOf(messages);
        }
    }

    /**
     * @param group             the consumer group.
     * @param topic             the topic.
     * @param queueId           the queue.
     * @param offset            the first offset wanted.
     * @param maxCount          most messages to return.
     * @param tagExpression     {@code "*"} or tags joined by {@code "||"}.
     * @param longPollTimeoutMs how long to hold the request when nothing is there (0: answer at once).
     * @param sqlExpression     an SQL92 filter over message properties checked after the tag expression, or
     *                          {@code ""} (or null) for none.
     */
    record PullRequest(String group, String topic, int queueId, long offset, int maxCount, String tagExpression,
        long longPollTimeoutMs, String sqlExpression)
    {
        public PullRequest
        {
            sqlExpression = sqlExpression == null ? "" : sqlExpression;
        }

        /**
         * A pull with a tag expression only.
         */
        public PullRequest(final String group, final String topic, final int queueId, final long offset,
            final int maxCount, final String tagExpression, final long longPollTimeoutMs)
        {
            this(group, topic, queueId, offset, maxCount, tagExpression, longPollTimeoutMs, "");
        }

        /**
         * A pull for {@code selector}'s messages.
         */
        public PullRequest(final String group, final String topic, final int queueId, final long offset,
            final int maxCount, final MessageSelector selector, final long longPollTimeoutMs)
        {
            this(group, topic, queueId, offset, maxCount, selector.tagExpression(), longPollTimeoutMs,
                selector.sqlExpression());
        }

        /**
         * @return true when the pull carries an SQL92 filter.
         */
        public boolean hasSqlFilter()
        {
            return !sqlExpression.isEmpty();
        }
    }

    enum PullStatus
    {
        FOUND,
        NO_NEW_MESSAGES,
        NO_MATCHED_MESSAGE,
        OFFSET_TOO_OLD,
        OFFSET_OVERFLOW
    }

    /**
     * @param status     the outcome.
     * @param nextOffset where the next pull of this queue should start.
     * @param minOffset  the queue's first offset.
     * @param maxOffset  the queue's next offset.
     * @param messages   the messages found (broker-side tag filtering is by hash; check tags exactly).
     * @param suggestedBrokerId which replica of the set the next pull of this queue should go to: 0 the master, 1 a
     *                          slave, when the consumer is so far behind that its reads would leave memory (RocketMQ's
     *                          {@code suggestWhichBrokerId}); a client without such a replica in its route stays.
     */
    record PullResult(PullStatus status, long nextOffset, long minOffset, long maxOffset, List<MessageView> messages,
        long suggestedBrokerId)
    {
        /**
         * An answer suggesting the master.
         */
        public PullResult(final PullStatus status, final long nextOffset, final long minOffset, final long maxOffset,
            final List<MessageView> messages)
        {
            this(status, nextOffset, minOffset, maxOffset, messages, 0);
        }
    }

    /**
     * @param group         the consumer group.
     * @param messageModel  clustering or broadcasting.
     * @param consumeFrom   where the group starts in a queue without a committed offset.
     * @param subscriptions topic to expression: a tag expression, or {@code "SQL92:"} and an SQL92 expression
     *                      ({@link MessageSelector#toString()}).
     * @param subscribedMs  when this consumer subscribed (its client's wall clock), or 0 when unknown: the broker
     *                      keeps the earliest per group and topic (see {@link #queryOffset}).
     */
    record ConsumerRegistration(String group, MessageModel messageModel, ConsumeFrom consumeFrom,
        Map<String, String> subscriptions, long subscribedMs)
    {
        public ConsumerRegistration
        {
            subscriptions = Map.copyOf(subscriptions);
        }

        /**
         * A registration that does not say when the consumer subscribed.
         */
        public ConsumerRegistration(final String group, final MessageModel messageModel, final ConsumeFrom consumeFrom,
            final Map<String, String> subscriptions)
        {
            this(group, messageModel, consumeFrom, subscriptions, 0);
        }
    }

    record ClientHeartbeat(String clientId, List<ConsumerRegistration> consumers, List<String> producerGroups)
    {
        public ClientHeartbeat
        {
            consumers = List.copyOf(consumers);
            producerGroups = List.copyOf(producerGroups);
        }
    }

    /**
     * What happened to a watched group. An offset reset carries the new offsets, so that members restart
     * from them even when a commit of their old positions reached the broker after the reset.
     *
     * @param group   the group.
     * @param kind    what happened.
     * @param topic   OFFSETS_RESET: the topic whose offsets were reset; otherwise null.
     * @param offsets OFFSETS_RESET: queue id to the group's new committed offset; otherwise empty.
     */
    record GroupEvent(String group, Kind kind, String topic, Map<Integer, Long> offsets)
    {
        public enum Kind
        {
            MEMBERS_CHANGED,
            OFFSETS_RESET
        }

        public GroupEvent
        {
            offsets = offsets == null ? Map.of() : Map.copyOf(offsets);
        }

        /**
         * An event without offsets (a membership change).
         */
        public GroupEvent(final String group, final Kind kind)
        {
            this(group, kind, null, Map.of());
        }
    }

    record QueueRef(String topic, int queueId)
    {
    }

    record QueueOffset(String topic, int queueId, long offset)
    {
    }

    record CommitOffsetsRequest(String group, List<QueueOffset> offsets)
    {
        public CommitOffsetsRequest
        {
            offsets = List.copyOf(offsets);
        }
    }

    /**
     * @param minOffset the first offset still stored.
     * @param maxOffset the offset the next message will get.
     */
    record QueueOffsets(long minOffset, long maxOffset)
    {
    }

    record LockRequest(String group, String clientId, List<QueueRef> queues)
    {
        public LockRequest
        {
            queues = List.copyOf(queues);
        }
    }

    /**
     * @param group             the consumer group that failed.
     * @param messageId         the offset id of the copy delivered (a unique id names the message's latest copy).
     * @param originalTopic     the topic the message was first sent to.
     * @param delayLevel        the back-off level to use (1-based), or 0 to let the broker pick (3 + attempts).
     * @param maxReconsumeTimes attempts after which the message goes to the dead-letter topic.
     */
    record SendBackRequest(String group, String messageId, String originalTopic, int delayLevel,
        int maxReconsumeTimes)
    {
    }

    /**
     * @param group       the consumer group.
     * @param topic       the topic.
     * @param position    FIRST, LAST or TIMESTAMP.
     * @param timestampMs for TIMESTAMP.
     */
    record ResetOffsetsRequest(String group, String topic, ConsumeFrom.Position position, long timestampMs)
    {
    }

    /**
     * @param identity         which broker this is.
     * @param startedMs        when it started (wall clock).
     * @param topicCount       topics it holds, system topics included.
     * @param groupCount       consumer groups it knows.
     * @param clientCount      clients heard from within the client expiry.
     * @param dispatchLagBytes bytes stored but not yet in consume queues and the index.
     * @param writable         false while the store refuses writes (fenced after an I/O failure, or disk full).
     * @param diskUsedRatio    last measured disk usage, 0.0 to 1.0.
     * @param timedPending     per topic, messages waiting for a delivery time ({@code deliverAt},
     *                         {@code deliverAfter}); topics with none left out.
     * @param levelPending     per topic, messages waiting for a delay level; topics with none left out.
     * @param replicationLagBytes on a master, how far its furthest-behind slave is from its log end; on a slave, how
     *                            far it is from its master's (0 without replicas).
     * @param replicationLagMs    how long that replica has not had everything.
     * @param truncatedBytes      the bytes of its own tail the broker cut when it last rejoined its replica set as a
     *                            slave (written as master, never received by the new master; under ASYNC replication
     *                            acknowledged messages may be among them), or 0.
     * @param truncatedMessages   the messages those bytes held, or 0.
     */
    record BrokerStatus(RouterService.BrokerIdentity identity, long startedMs, int topicCount, int groupCount,
        int clientCount, long dispatchLagBytes, boolean writable, double diskUsedRatio, Map<String, Long> timedPending,
        Map<String, Long> levelPending, long replicationLagBytes, long replicationLagMs, long truncatedBytes,
        long truncatedMessages)
    {
        /**
         * A status without a truncated tail.
         */
        public BrokerStatus(final RouterService.BrokerIdentity identity, final long startedMs, final int topicCount,
            final int groupCount, final int clientCount, final long dispatchLagBytes, final boolean writable,
            final double diskUsedRatio, final Map<String, Long> timedPending, final Map<String, Long> levelPending,
            final long replicationLagBytes, final long replicationLagMs)
        {
            this(identity, startedMs, topicCount, groupCount, clientCount, dispatchLagBytes, writable, diskUsedRatio,
                timedPending, levelPending, replicationLagBytes, replicationLagMs, 0, 0);
        }

        /**
         * A status without level-delay counts and replication.
         */
        public BrokerStatus(final RouterService.BrokerIdentity identity, final long startedMs, final int topicCount,
            final int groupCount, final int clientCount, final long dispatchLagBytes, final boolean writable,
            final double diskUsedRatio, final Map<String, Long> timedPending)
        {
            this(identity, startedMs, topicCount, groupCount, clientCount, dispatchLagBytes, writable, diskUsedRatio,
                timedPending, Map.of(), 0, 0, 0, 0);
        }

        public BrokerStatus
        {
            timedPending = timedPending == null ? Map.of() : Map.copyOf(timedPending);
            levelPending = levelPending == null ? Map.of() : Map.copyOf(levelPending);
        }

        /**
         * A status without timed messages.
         */
        public BrokerStatus(final RouterService.BrokerIdentity identity, final long startedMs, final int topicCount,
            final int groupCount, final int clientCount, final long dispatchLagBytes, final boolean writable,
            final double diskUsedRatio)
        {
            this(identity, startedMs, topicCount, groupCount, clientCount, dispatchLagBytes, writable, diskUsedRatio,
                Map.of(), Map.of(), 0, 0, 0, 0);
        }
    }

    /**
     * A slave's fetch of its master's log.
     *
     * @param clusterName the slave's cluster (must be the master's).
     * @param brokerName  the slave's replica set (must be the master's).
     * @param brokerId    the slave's id, 1 and up.
     * @param address     where the slave is served.
     * @param fetchOffset the slave's log end: where the answer's bytes start, and the acknowledgement of all before it.
     * @param maxBytes    the most bytes to answer (one whole record at least); 0 for a handshake without bytes.
     * @param maxWaitMs   how long the master may hold the fetch when it has nothing new.
     */
    record ReplicaFetchRequest(String clusterName, String brokerName, long brokerId, String address, long fetchOffset,
        int maxBytes, long maxWaitMs)
    {
    }

    /**
     * The master's answer to a fetch.
     *
     * @param epochs           the master's epoch history, oldest first (the last is its current epoch).
     * @param masterLogEnd     the master's log end when it answered.
     * @param segmentSizeBytes the master's segment size (a slave must have the same).
     * @param offset           where {@code bytes} start (the fetch offset).
     * @param nextOffset       where the slave's log continues after them.
     * @param bytes            whole records as stored; empty when there was nothing new.
     * @param logStartOffset   the master's oldest log offset still on disk (retention deleted what was before): a
     *                         fetch from below it is answered at once with no bytes, and an empty slave starts its
     *                         log there.
     */
    record ReplicaFetchResult(List<EpochEntry> epochs, long masterLogEnd, int segmentSizeBytes, long offset,
        long nextOffset, byte[] bytes, long logStartOffset)
    {
        public ReplicaFetchResult
        {
            epochs = List.copyOf(epochs);
        }

        /**
         * An answer from a master whose log starts at 0.
         */
        public ReplicaFetchResult(final List<EpochEntry> epochs, final long masterLogEnd, final int segmentSizeBytes,
            final long offset, final long nextOffset, final byte[] bytes)
        {
            this(epochs, masterLogEnd, segmentSizeBytes, offset, nextOffset, bytes, 0);
        }

        /**
         * @return true when the fetch asked for bytes the master no longer has (below {@link #logStartOffset()}).
         */
        public boolean belowMasterLog()
        {
            return offset < logStartOffset;
        }
    }

    /**
     * A slave's request for its master's metadata.
     *
     * @param slave            who asks ({@code fetchOffset}, {@code maxBytes} and {@code maxWaitMs} are not used).
     * @param committedOnSlave offsets consumers committed to the slave since its last copy: group, then
     *                         {@code topic@queueId}, then offset.
     */
    record ReplicaMetadataRequest(ReplicaFetchRequest slave, Map<String, Map<String, Long>> committedOnSlave)
    {
    }

    /**
     * A master's metadata, as a slave copies it.
     *
     * @param topics        every topic config.
     * @param offsets       committed offsets: group, then "topic@queueId", then offset.
     * @param delayOffsets  delay-level progress: level, then the next queue offset to deliver.
     * @param subscriptions  when groups first subscribed: group, then topic, then ms since the epoch.
     * @param topicDeletions topics deleted on the master: topic, then the log position below which its records are
     *                       deleted (the latest deletion; a slave deletes at the same position of its log).
     * @param timerProgress  the master's timer progress (timed messages, {@code deliverAt}).
     */
    record ReplicaMetadata(List<TopicConfig> topics, Map<String, Map<String, Long>> offsets,
        Map<Integer, Long> delayOffsets, Map<String, Map<String, Long>> subscriptions, Map<String, Long> topicDeletions,
        TimerProgress timerProgress)
    {
    }

    /**
     * How far a master's timer got, for its slaves: a promoted slave neither delivers again what its master delivered
     * (up to the last copy) nor loses what still waits.
     *
     * @param indexed      timer-queue offsets below it were indexed (a message at or before the cursor among them was
     *                     delivered or recalled).
     * @param cursorDueMs  the due time of the last delivered (due time, queue offset).
     * @param cursorOffset the queue offset of the last delivered; -1 before the first.
     */
    record TimerProgress(long indexed, long cursorDueMs, long cursorOffset)
    {
        /** A timer that has done nothing yet. */
        public static final TimerProgress NONE = new TimerProgress(0, 0, -1);
    }

    /**
     * A consumer group as one broker knows it.
     *
     * @param group   the group.
     * @param members its live members, sorted by client id.
     * @param topics  the topics it has committed offsets for, and its retry and dead-letter topics when they exist,
     *                sorted.
     */
    record GroupState(String group, List<MemberState> members, List<String> topics)
    {
        public GroupState
        {
            members = List.copyOf(members);
            topics = List.copyOf(topics);
        }
    }

    /**
     * @param clientId           the member.
     * @param registration       what its latest heartbeat said about the group.
     * @param lastHeartbeatAgeMs how long ago the broker last heard from it.
     */
    record MemberState(String clientId, ConsumerRegistration registration, long lastHeartbeatAgeMs)
    {
    }

    /**
     * A group's position in one queue.
     *
     * @param topic          the topic.
     * @param queueId        the queue.
     * @param minOffset      the queue's first offset still stored.
     * @param maxOffset      the offset the queue's next message will get.
     * @param consumerOffset the group's committed offset, or -1 when it has none.
     */
    record QueueConsumeState(String topic, int queueId, long minOffset, long maxOffset, long consumerOffset)
    {
    }

    /**
     * @param topic            the topic.
     * @param key              one of the message keys.
     * @param beginTimestampMs stored at or after (inclusive).
     * @param endTimestampMs   stored at or before (inclusive).
     * @param maxCount         most messages to return.
     */
    record KeyQuery(String topic, String key, long beginTimestampMs, long endTimestampMs, int maxCount)
    {
    }
}

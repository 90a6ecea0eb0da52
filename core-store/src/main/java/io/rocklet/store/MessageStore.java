package io.rocklet.store;

import io.rocklet.api.TagFilter;
import io.rocklet.api.spi.EpochEntry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;

/**
 * The message store: one append-only commit log for all topics and queues, a consume queue per
 * (topic, queue) and a key index built from it by the dispatcher, flushed ASYNC or SYNC, recovered
 * after a crash, trimmed by retention. Open one with {@link MessageStores#open(StoreConfig)}.
 *
 * <p>Thread-safe: any number of threads may append and read.
 */
public interface MessageStore extends AutoCloseable
{
    /**
     * Appends a message. In SYNC flush mode, returns only after the record is on disk.
     *
     * @param request what to append.
     * @return where and when it was stored.
     * @throws io.rocklet.api.InvalidArgumentException for an illegal topic, oversize body or properties.
     * @throws io.rocklet.api.StorageException         when fenced, the disk is full or a SYNC flush timed out.
     * @throws io.rocklet.api.RockletException         with {@code BUSY} when the dispatcher is too far behind.
     * @throws io.rocklet.api.ClosedException          after close.
     */
    AppendResult append(AppendRequest request);

    /**
     * Appends a message without allocating: the result goes into {@code receipt}.
     *
     * @param request what to append.
     * @param receipt filled with where and when it was stored.
     * @return the log offset of the record.
     * @throws io.rocklet.api.RockletException as {@link #append(AppendRequest)}.
     */
    long append(AppendRequest request, AppendReceipt receipt);

    /**
     * Appends a batch of messages as one write: every record is encoded under one acquisition of the append lock, in
     * the list's order and next to each other in the log (a batch crosses into the next segment only between records),
     * and in SYNC flush mode the call waits once, for the batch's last record to be on disk. Each record is a normal
     * record (its own CRC, queue offset, consume-queue entry and index entries); the requests may name different
     * topics and queues. Every request is checked before the first is written: a refused batch stores nothing.
     *
     * @param requests what to append, at least one; the list and its requests may be reused once the call returns.
     * @param receipt  filled with each record's place, in the batch's order.
     * @return the log offset of the batch's first record.
     * @throws io.rocklet.api.InvalidArgumentException for an empty batch, one larger than the dispatcher can take at
     *                                                 once, or a request refused as {@link #append(AppendRequest)}
     *                                                 would refuse it (the message names its index in the batch).
     * @throws io.rocklet.api.RockletException         as {@link #append(AppendRequest)}.
     */
    long appendBatch(List<AppendRequest> requests, AppendBatchReceipt receipt);

    /**
     * Appends a batch as {@link #appendBatch(List, AppendBatchReceipt)} does.
     *
     * @param requests what to append, at least one.
     * @return each record's place, in the batch's order.
     * @throws io.rocklet.api.RockletException as {@link #appendBatch(List, AppendBatchReceipt)}.
     */
    default List<AppendResult> appendBatch(final List<AppendRequest> requests)
    {
        final AppendBatchReceipt receipt = new AppendBatchReceipt();
        appendBatch(requests, receipt);
        return receipt.toResults();
    }

    /**
     * Reads messages of one queue from {@code offset}: at most {@code maxCount} of them and, past the
     * first, at most {@code maxBytes} of records. Messages whose tag code the filter rejects are skipped.
     */
    ReadResult read(String topic, int queueId, long offset, int maxCount, int maxBytes, TagFilter filter);

    /**
     * Reads like {@link #read} but copies nothing: each message is handed to {@code visitor} as a view of
     * the mapped log, valid during the call only. The fastest way to consume a backlog.
     */
    ScanResult scan(String topic, int queueId, long offset, int maxCount, int maxBytes, TagFilter filter,
        RecordVisitor visitor);

    /**
     * @return the first readable offset of the queue (0 if the queue is unknown).
     */
    long minOffset(String topic, int queueId);

    /**
     * @return one past the last readable offset of the queue (0 if the queue is unknown).
     */
    long maxOffset(String topic, int queueId);

    /**
     * @return the first queue offset whose message was stored at or after {@code timestampMs}, or the
     *     queue's max offset when every message is older.
     */
    long offsetForTimestamp(String topic, int queueId, long timestampMs);

    /**
     * @return messages of {@code topic} carrying {@code key}, stored within [{@code beginMs}, {@code endMs}], in
     *     log order, at most {@code maxCount} (the newest ones when more match).
     */
    List<StoredMessage> messagesByKey(String topic, String key, long beginMs, long endMs, int maxCount);

    /**
     * @param messageId an offset id ({@link MessageIds}) or a unique id ({@link io.rocklet.api.UniqueMessageIds}).
     * @return the message with this id (for a unique id: its oldest stored copy), or empty when it is not (or no
     *     longer) in this store.
     * @throws io.rocklet.api.InvalidArgumentException when the id is malformed.
     */
    Optional<StoredMessage> messageById(String messageId);

    /**
     * @param messageId an offset id ({@link MessageIds}) or a unique id ({@link io.rocklet.api.UniqueMessageIds}).
     * @return for an offset id, the record it names; for a unique id, every stored copy of the message (as sent,
     *     retried, dead-lettered), oldest first, found through the key index; empty when this store has none.
     * @throws io.rocklet.api.InvalidArgumentException when the id is malformed.
     */
    List<StoredMessage> messagesById(String messageId);

    /**
     * Deletes a topic's messages from view: its consume queues are deleted and restart empty at offset 0, and records
     * of the topic stored before the call are found no more - by read, key or id, also after a restart (a watermark,
     * the log position at the call, is persisted with the topic table). The records themselves stay in the log until
     * retention deletes their segments. Appends to the topic after the call start a new topic.
     *
     * @return completes once the consume queues are reset (on the dispatcher's thread); at once for a topic the store
     *     never held.
     * @throws io.rocklet.api.InvalidArgumentException for an illegal topic name.
     * @throws io.rocklet.api.StorageException         when fenced or the watermark cannot be written.
     */
    CompletableFuture<Void> deleteTopic(String topic);

    /**
     * @return every topic deletion this store made or followed: topic, then the log position below which its records
     *     are deleted (the latest deletion of the topic).
     */
    Map<String, Long> topicDeletions();

    /**
     * A slave follows its master's deletion of {@code topic} at log position {@code logOffset} (from
     * {@link #topicDeletions()} of the master): its records below that position are deleted and its queues restart
     * there, at the same place in this log as in the master's. Applied at once when the log has reached the position,
     * else by {@link #appendLog} when the replicated bytes reach it. Nothing happens for a deletion already followed.
     *
     * @return true when the deletion is new to this store.
     * @throws io.rocklet.api.InvalidArgumentException for an illegal topic name or a negative position.
     * @throws io.rocklet.api.StorageException         when fenced or the watermark cannot be written.
     */
    boolean followTopicDeletion(String topic, long logOffset);

    /**
     * @return the topics the store has messages for.
     */
    List<String> topics();

    /**
     * @return the queue ids of {@code topic} that have messages, ascending.
     */
    List<Integer> queueIds(String topic);

    /**
     * @return bytes appended but not yet dispatched to consume queues.
     */
    long dispatchLagBytes();

    /**
     * Waits, without blocking, until every message appended before the call is readable (dispatched to its
     * consume queue), so that {@link #maxOffset} read then counts every append acknowledged before the call.
     *
     * @return completes at once when nothing is pending, else on the dispatcher's thread; also when the store
     *     closes or is fenced meanwhile.
     */
    CompletableFuture<Void> whenReadable();

    /**
     * @return the end of the last appended record (where the next record goes).
     */
    long logEndOffset();

    /**
     * @return the first log offset still on disk: 0 until retention deletes the first segment, or where a seeded
     *     replica's log starts ({@link MessageStores#seed}).
     */
    long logStartOffset();

    /**
     * Reads raw commit-log bytes for a replica: whole records as stored from {@code fromOffset} (a record boundary), up
     * to the committed end, within one segment (a chunk reaching a segment's filler ends with it).
     *
     * @param maxBytes at most this many bytes, but at least one whole record when there is one.
     * @throws io.rocklet.api.InvalidArgumentException when the offset is beyond the end or not a record boundary.
     * @throws io.rocklet.api.RockletException         with {@code MESSAGE_NOT_FOUND} when retention deleted it.
     */
    LogChunk readLog(long fromOffset, int maxBytes);

    /**
     * Appends raw replicated bytes (as {@link #readLog} read them on the master) at exactly the log's end, verifying
     * each record (CRC32C, the log offset it claims, its queue offset) as it arrives; the dispatcher then builds this
     * store's consume queues and key index from them. In SYNC flush mode, returns once they are on disk. Records before
     * a refused one stay appended ({@link #logEndOffset()} tells how far).
     *
     * @return the log end after the bytes.
     * @throws io.rocklet.api.InvalidArgumentException for a gap or overlap, a record that does not verify, a filler
     *                                                 that does not end the segment (segment sizes differ).
     */
    long appendLog(long offset, byte[] bytes);

    /**
     * @return the epoch history (which master term wrote the log from which offset), oldest first.
     */
    List<EpochEntry> epochs();

    /**
     * Records, durably, that the log from {@code startOffset} on is written by the master of {@code epoch}. The newest
     * entry again is a no-op.
     *
     * @throws io.rocklet.api.InvalidArgumentException when the epoch or its start goes backwards.
     */
    void appendEpoch(long epoch, long startOffset);

    StoreStats stats();

    /**
     * @return what opening the store found and repaired.
     */
    RecoveryReport recoveryReport();

    /**
     * In {@link ThreadingMode#INVOKER}, runs one duty cycle of the store's agents on the calling thread.
     *
     * @return the amount of work done.
     * @throws IllegalStateException in other threading modes.
     */
    int doWork();

    /**
     * Stops the agents, dispatches and flushes everything, writes a checkpoint and the clean-shutdown
     * mark, and unmaps the files (deleting them if ephemeral). Idempotent.
     */
    @Override
    void close();
}

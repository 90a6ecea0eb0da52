package io.rocklet.broker.replication;

import io.rocklet.api.agent.AgentHost;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TagFilter;
import io.rocklet.api.spi.EpochEntry;
import io.rocklet.store.AppendBatchReceipt;
import io.rocklet.store.AppendReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.LogChunk;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.ReadResult;
import io.rocklet.store.RecordVisitor;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.ScanResult;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.StoreStats;
import io.rocklet.store.StoredMessage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The broker's store, which a role change can cut: every call goes to the store open now; {@link #truncate} closes it,
 * cuts its log ({@link MessageStores#truncate}: the tail quarantined, queues and index rolled back by recovery) and opens
 * it again under the same object, so that the broker's parts keep their reference. Calls made while it is reopened
 * fail with a retriable BUSY error. Thread-safe.
 */
public final class ReopenableStore implements MessageStore
{
    private static final int COUNT_CHUNK_BYTES = 1 << 20;

    private final StoreConfig config;
    private final AgentHost host;
    private volatile MessageStore store;
    private volatile boolean reopening;
    private volatile boolean closed;

    /**
     * @param config how to open the store again (the configuration it was opened with).
     * @param host   the agent host it was opened with (null: a host of its own).
     * @param store  the open store.
     */
    public ReopenableStore(final StoreConfig config, final AgentHost host, final MessageStore store)
    {
        this.config = config;
        this.host = host;
        this.store = store;
    }

    /**
     * Cuts the log at {@code logOffset} (a record boundary): closes the store, truncates it, opens it again. The caller
     * makes sure nothing appends meanwhile.
     *
     * @return the quarantine file with the cut bytes, or null when nothing was cut.
     */
    synchronized Path truncate(final long logOffset)
    {
        if (config.ephemeral() || config.directory() == null)
        {
            throw new RockletException(ErrorCode.INVALID_ARGUMENT, "cannot truncate an ephemeral store (it is deleted " +
                "on close): dir=" + config.directory() + ", logOffset=" + logOffset);
        }
        return reopenAfter(() -> MessageStores.truncate(config, logOffset));
    }

    /**
     * Starts the empty store's log at {@code logOffset} ({@link MessageStores#seed}): closes the store, seeds it, opens
     * it again. The caller makes sure nothing appends meanwhile.
     */
    synchronized void seed(final long logOffset)
    {
        reopenAfter(() ->
        {
            MessageStores.seed(config, logOffset);
            return null;
        });
    }

    /** Closes the store, runs {@code change} on its closed directory, opens it again on the same host. */
    private <T> T reopenAfter(final java.util.function.Supplier<T> change)
    {
        if (closed)
        {
            throw new ClosedException("store closed: dir=" + config.directory());
        }
        reopening = true;
        try
        {
            store.close();
            try
            {
                return change.get();
            }
            finally
            {
                store = MessageStores.open(config, host);
            }
        }
        finally
        {
            reopening = false;
        }
    }

    /**
     * @return how many messages the log holds from {@code fromOffset} (a record boundary) to {@code toOffset}.
     */
    long messagesBetween(final long fromOffset, final long toOffset)
    {
        long messages = 0;
        long offset = fromOffset;
        while (offset < toOffset)
        {
            final LogChunk chunk = current().readLog(offset, (int)Math.min(COUNT_CHUNK_BYTES, toOffset - offset));
            if (chunk.isEmpty())
            {
                break;
            }
            messages += chunk.messageCount();
            offset = chunk.nextOffset();
        }
        return messages;
    }

    /**
     * A call made while the store is closed for a truncation or a seeding: retriable (BUSY).
     */
    public static final class Reopening extends RockletException
    {
        private static final long serialVersionUID = 1L;

        Reopening(final Path directory)
        {
            super(ErrorCode.BUSY, "store being reopened (truncated for a role change or seeded from its master), " +
                "retry: dir=" + directory);
        }
    }

    private MessageStore current()
    {
        if (reopening)
        {
            throw new Reopening(config.directory());
        }
        return store;
    }

    @Override
    public AppendResult append(final AppendRequest request)
    {
        return current().append(request);
    }

    @Override
    public long append(final AppendRequest request, final AppendReceipt receipt)
    {
        return current().append(request, receipt);
    }

    @Override
    public long appendBatch(final List<AppendRequest> requests, final AppendBatchReceipt receipt)
    {
        return current().appendBatch(requests, receipt);
    }

    @Override
    public ReadResult read(final String topic, final int queueId, final long offset, final int maxCount,
        final int maxBytes, final TagFilter filter)
    {
        return current().read(topic, queueId, offset, maxCount, maxBytes, filter);
    }

    @Override
    public ScanResult scan(final String topic, final int queueId, final long offset, final int maxCount,
        final int maxBytes, final TagFilter filter, final RecordVisitor visitor)
    {
        return current().scan(topic, queueId, offset, maxCount, maxBytes, filter, visitor);
    }

    @Override
    public long minOffset(final String topic, final int queueId)
    {
        return current().minOffset(topic, queueId);
    }

    @Override
    public long maxOffset(final String topic, final int queueId)
    {
        return current().maxOffset(topic, queueId);
    }

    @Override
    public long offsetForTimestamp(final String topic, final int queueId, final long timestampMs)
    {
        return current().offsetForTimestamp(topic, queueId, timestampMs);
    }

    @Override
    public List<StoredMessage> messagesByKey(final String topic, final String key, final long beginMs,
        final long endMs, final int maxCount)
    {
        return current().messagesByKey(topic, key, beginMs, endMs, maxCount);
    }

    @Override
    public Optional<StoredMessage> messageById(final String messageId)
    {
        return current().messageById(messageId);
    }

    @Override
    public List<StoredMessage> messagesById(final String messageId)
    {
        return current().messagesById(messageId);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(final String topic)
    {
        return current().deleteTopic(topic);
    }

    @Override
    public Map<String, Long> topicDeletions()
    {
        return current().topicDeletions();
    }

    @Override
    public boolean followTopicDeletion(final String topic, final long logOffset)
    {
        return current().followTopicDeletion(topic, logOffset);
    }

    @Override
    public List<String> topics()
    {
        return current().topics();
    }

    @Override
    public List<Integer> queueIds(final String topic)
    {
        return current().queueIds(topic);
    }

    @Override
    public long dispatchLagBytes()
    {
        return current().dispatchLagBytes();
    }

    @Override
    public CompletableFuture<Void> whenReadable()
    {
        return current().whenReadable();
    }

    @Override
    public long logEndOffset()
    {
        return current().logEndOffset();
    }

    @Override
    public long logStartOffset()
    {
        return current().logStartOffset();
    }

    @Override
    public LogChunk readLog(final long fromOffset, final int maxBytes)
    {
        return current().readLog(fromOffset, maxBytes);
    }

    @Override
    public long appendLog(final long offset, final byte[] bytes)
    {
        return current().appendLog(offset, bytes);
    }

    @Override
    public List<EpochEntry> epochs()
    {
        return current().epochs();
    }

    @Override
    public void appendEpoch(final long epoch, final long startOffset)
    {
        current().appendEpoch(epoch, startOffset);
    }

    @Override
    public StoreStats stats()
    {
        return current().stats();
    }

    @Override
    public RecoveryReport recoveryReport()
    {
        return current().recoveryReport();
    }

    @Override
    public int doWork()
    {
        return current().doWork();
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        store.close();
    }

    @Override
    public String toString()
    {
        return "ReopenableStore{" + store + '}';
    }
}

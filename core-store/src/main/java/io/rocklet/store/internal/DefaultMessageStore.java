package io.rocklet.store.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.StorageException;
import io.rocklet.api.TagFilter;
import io.rocklet.api.TopicNames;
import io.rocklet.api.agent.AgentHost;
import io.rocklet.store.AppendBatchReceipt;
import io.rocklet.store.AppendReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.RecordVisitor;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.ScanResult;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.StoreStats;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.internal.dispatch.DispatchApplier;
import io.rocklet.store.internal.dispatch.DispatchRing;
import io.rocklet.store.internal.dispatch.Dispatcher;
import io.rocklet.store.internal.file.FileNames;
import io.rocklet.store.internal.file.JvmFlags;
import io.rocklet.store.internal.flush.Checkpointer;
import io.rocklet.store.internal.flush.LogFlusher;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.RecordEncoder;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import io.rocklet.store.internal.recovery.Checkpoint;
import io.rocklet.store.internal.recovery.DirectoryLock;
import io.rocklet.store.internal.recovery.Recovery;
import io.rocklet.store.internal.recovery.StoreMeta;
import io.rocklet.store.internal.replica.EpochFile;
import io.rocklet.store.internal.replica.LogChunkReader;
import io.rocklet.store.internal.retention.Retention;
import io.rocklet.api.spi.EpochEntry;
import io.rocklet.store.LogChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The store façade: opens (recovering) and closes the parts, and routes each call to the part that
 * does the job - {@link StoreWriter} for appends, {@link StoreReader} for reads, the agents in
 * {@link StoreAgents} for dispatching and housekeeping.
 */
public final class DefaultMessageStore implements MessageStore
{
    static final String ABORT_FILE = "abort";
    private static final Logger LOG = LoggerFactory.getLogger(DefaultMessageStore.class);

    private final StoreConfig config;
    private final Path directory;
    private final DirectoryLock lock;
    private final CommitLog log;
    private final TopicTable topics;
    private final KeyIndex keyIndex;
    private final StoreHealth health;
    private final StoreWriter writer;
    private final StoreReader reader;
    private final LogFlusher flusher;
    private final Checkpointer checkpointer;
    private final Dispatcher dispatcher;
    private final DispatchRing ring;
    private final StoreAgents agents;
    private final RecoveryReport recoveryReport;
    private final EpochFile epochs;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DefaultMessageStore(final StoreConfig config, final Path directory, final DirectoryLock lock,
        final CommitLog log, final TopicTable topics, final KeyIndex keyIndex, final StoreMeta meta,
        final Recovery.Result recovered, final AgentHost host)
    {
        this.config = config;
        this.directory = directory;
        this.lock = lock;
        this.log = log;
        this.topics = topics;
        this.keyIndex = keyIndex;
        this.recoveryReport = recovered.report();
        this.epochs = EpochFile.load(directory, config.fsync());
        this.health = new StoreHealth(directory.toString());
        this.ring = new DispatchRing(config.dispatchRingBytes(), config.nanoClock(), config.busyTimeout().toNanos());
        this.writer = new StoreWriter(log, topics, ring,
            new RecordEncoder(config.maxBodyBytes(), config.maxPropertiesBytes(), config.segmentSizeBytes()),
            config.clock(), health, meta.storeTag(), recovered.writePosition(), recovered.lastStoreTimestampMs());
        this.dispatcher = new Dispatcher(ring, topics, new DispatchApplier(log, keyIndex), config.arrivalListener(),
            health, recovered.writePosition(), recovered.lastStoreTimestampMs());
        this.flusher = new LogFlusher(log::sync, health, writer::committedPosition, config.nanoClock(),
            config.syncFlushTimeout().toNanos(), config.fsync(), recovered.writePosition());
        this.checkpointer = new Checkpointer(directory, topics, keyIndex, flusher, dispatcher::dispatchedPosition,
            dispatcher::dispatchedStoreTimestampMs, config.fsync());
        this.reader = new StoreReader(log, topics, keyIndex, meta.storeTag(), dispatcher::dispatchedPosition,
            config.verifyCrcOnRead());
        final Retention retention = new Retention(directory, log, topics, keyIndex, health, config.diskUsageProbe(),
            () -> Math.min(dispatcher.dispatchedPosition(), flusher.flushedPosition()),
            config.fileReservedTime().toMillis(), config.diskCleanRatio(), config.diskForceCleanRatio(),
            config.diskFullRatio(), config.deleteUnexpiredOnDiskPressure());
        retention.checkDisk();
        retention.trimToLog();
        final Housekeeper housekeeper = new Housekeeper(config, flusher, checkpointer, retention, log,
            writer::committedPosition, health);
        this.agents = new StoreAgents(config.threadingMode(), host, dispatcher, housekeeper, ring, directory);
    }

    /**
     * Opens (creating or recovering) the store described by {@code config}.
     *
     * @param host the host to run the store's agents on, or null for one of its own after
     *             {@link StoreConfig#threadingMode()}.
     */
    public static MessageStore open(final StoreConfig config, final AgentHost host)
    {
        JvmFlags.check();
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new RockletException(ErrorCode.ENVIRONMENT, "Rocklet's store needs a little-endian CPU");
        }
        final Path directory = resolveDirectory(config);
        final DirectoryLock lock = DirectoryLock.acquire(directory);
        CommitLog log = null;
        TopicTable topics = null;
        KeyIndex keyIndex = null;
        try
        {
            final StoreMeta meta = StoreMeta.loadOrCreate(directory, config);
            final boolean cleanShutdown = !Files.exists(directory.resolve(ABORT_FILE));
            final Checkpoint checkpoint = Checkpoint.read(directory);
            Files.write(directory.resolve(ABORT_FILE), new byte[0]);
            log = new CommitLog(directory, config.segmentSizeBytes(), config.preallocate(), config.fsync());
            log.load();
            topics = new TopicTable(directory, config.consumeQueueEntriesPerFile(), config.preallocate(),
                config.fsync());
            keyIndex = new KeyIndex(directory, config.indexSlotsPerFile(), config.indexEntriesPerFile(),
                config.preallocate());
            final Recovery.Result recovered = new Recovery(log, topics, keyIndex, new DispatchApplier(log, keyIndex),
                config.nanoClock(), directory, new Recovery.Options(config.verifyLogOnOpen(), config.repairDamagedLog(),
                config.fsync())).run(cleanShutdown, checkpoint);
            if (checkpoint != null && checkpoint.position() > recovered.writePosition())
            {
                // the log lost records the checkpoint vouches for: a crash before the next checkpoint must not trust it
                Files.deleteIfExists(directory.resolve(Checkpoint.FILE));
            }
            final DefaultMessageStore store = new DefaultMessageStore(config, directory, lock, log, topics, keyIndex,
                meta, recovered, host);
            store.agents.start();
            return store;
        }
        catch (final IOException e)
        {
            closeAfterFailedOpen(config, directory, lock, log, topics, keyIndex);
            throw new StorageException(ErrorCode.IO_ERROR, "cannot open store: dir=" + directory, e);
        }
        catch (final RuntimeException e)
        {
            closeAfterFailedOpen(config, directory, lock, log, topics, keyIndex);
            throw e;
        }
    }

    @Override
    public AppendResult append(final AppendRequest request)
    {
        final AppendReceipt receipt = new AppendReceipt();
        append(request, receipt);
        return receipt.toResult();
    }

    @Override
    public long append(final AppendRequest request, final AppendReceipt receipt)
    {
        final long logOffset = writer.append(request, receipt);
        if (config.flushMode() == io.rocklet.store.FlushMode.SYNC)
        {
            flusher.awaitDurable(logOffset + receipt.recordBytes());
        }
        return logOffset;
    }

    @Override
    public long appendBatch(final List<AppendRequest> requests, final AppendBatchReceipt receipt)
    {
        final long logOffset = writer.appendBatch(requests, receipt);
        if (config.flushMode() == io.rocklet.store.FlushMode.SYNC)
        {
            flusher.awaitDurable(receipt.endOffset());
        }
        return logOffset;
    }

    @Override
    public ReadResult read(final String topic, final int queueId, final long offset, final int maxCount,
        final int maxBytes, final TagFilter filter)
    {
        health.checkOpen();
        return reader.read(topic, queueId, offset, maxCount, maxBytes, filter);
    }

    @Override
    public ScanResult scan(final String topic, final int queueId, final long offset, final int maxCount,
        final int maxBytes, final TagFilter filter, final RecordVisitor visitor)
    {
        health.checkOpen();
        return reader.scan(topic, queueId, offset, maxCount, maxBytes, filter, visitor);
    }

    @Override
    public long minOffset(final String topic, final int queueId)
    {
        health.checkOpen();
        return reader.minOffset(topic, queueId);
    }

    @Override
    public long maxOffset(final String topic, final int queueId)
    {
        health.checkOpen();
        return reader.maxOffset(topic, queueId);
    }

    @Override
    public long offsetForTimestamp(final String topic, final int queueId, final long timestampMs)
    {
        health.checkOpen();
        return reader.offsetForTimestamp(topic, queueId, timestampMs);
    }

    @Override
    public List<StoredMessage> messagesByKey(final String topic, final String key, final long beginMs,
        final long endMs, final int maxCount)
    {
        health.checkOpen();
        return reader.messagesByKey(topic, key, beginMs, endMs, maxCount);
    }

    @Override
    public Optional<StoredMessage> messageById(final String messageId)
    {
        health.checkOpen();
        return reader.messageById(messageId);
    }

    @Override
    public List<StoredMessage> messagesById(final String messageId)
    {
        health.checkOpen();
        return reader.messagesById(messageId);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(final String topic)
    {
        health.checkOpen();
        TopicNames.validate(topic);
        return writer.deleteTopic(topic);
    }

    @Override
    public Map<String, Long> topicDeletions()
    {
        return topics.deletions();
    }

    @Override
    public boolean followTopicDeletion(final String topic, final long logOffset)
    {
        health.checkOpen();
        TopicNames.validate(topic);
        if (logOffset < 0)
        {
            throw new io.rocklet.api.InvalidArgumentException("topic deletion position must be >= 0: topic=" + topic +
                ", logOffset=" + logOffset);
        }
        return writer.followDeletion(topic, logOffset);
    }

    @Override
    public List<String> topics()
    {
        final List<String> names = new ArrayList<>();
        for (final TopicState topic : topics.all())
        {
            names.add(topic.name());
        }
        return names;
    }

    @Override
    public List<Integer> queueIds(final String topic)
    {
        final TopicState state = topics.get(topic);
        final List<Integer> ids = new ArrayList<>();
        if (state != null)
        {
            for (final QueueState queue : state.queues())
            {
                ids.add(queue.queueId());
            }
        }
        return ids;
    }

    @Override
    public long dispatchLagBytes()
    {
        return Math.max(0, writer.committedPosition() - dispatcher.dispatchedPosition());
    }

    @Override
    public CompletableFuture<Void> whenReadable()
    {
        health.checkOpen();
        return dispatcher.whenDispatched(writer.committedPosition());
    }

    @Override
    public long logEndOffset()
    {
        return writer.committedPosition();
    }

    @Override
    public long logStartOffset()
    {
        return log.minOffset();
    }

    @Override
    public LogChunk readLog(final long fromOffset, final int maxBytes)
    {
        health.checkOpen();
        return LogChunkReader.read(log, fromOffset, maxBytes, writer.committedPosition());
    }

    @Override
    public long appendLog(final long offset, final byte[] bytes)
    {
        final long end = writer.appendReplicated(offset, bytes);
        if (config.flushMode() == io.rocklet.store.FlushMode.SYNC)
        {
            flusher.awaitDurable(end);
        }
        return end;
    }

    @Override
    public List<EpochEntry> epochs()
    {
        return epochs.entries();
    }

    @Override
    public void appendEpoch(final long epoch, final long startOffset)
    {
        health.checkWritable();
        if (startOffset > writer.committedPosition())
        {
            throw new io.rocklet.api.InvalidArgumentException("epoch cannot start beyond the log end: epoch=" + epoch +
                ", startOffset=" + startOffset + ", logEnd=" + writer.committedPosition());
        }
        epochs.append(epoch, startOffset);
    }

    @Override
    public StoreStats stats()
    {
        final long written = writer.committedPosition();
        final long dispatched = dispatcher.dispatchedPosition();
        return new StoreStats(log.minOffset(), written, flusher.flushedPosition(), flusher.flushCount(), dispatched,
            checkpointer.position(), Math.max(0, written - dispatched), log.segments().length, topics.all().size(),
            health.isFenced(), health.isDiskFull(), health.diskUsedRatio());
    }

    @Override
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    @Override
    public int doWork()
    {
        health.checkOpen();
        return agents.invoke();
    }

    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        writer.stop();
        agents.stop();
        while (ring.hasEvents())
        {
            dispatcher.doWork();
        }
        dispatcher.stop();
        boolean clean = false;
        if (!health.isFenced())
        {
            try
            {
                flusher.flush();
                checkpointer.checkpoint();
                Files.deleteIfExists(directory.resolve(ABORT_FILE));
                clean = true;
            }
            catch (final IOException | RuntimeException e)
            {
                LOG.error("store did not close cleanly, the next open will recover: dir={}, error={}", directory,
                    e.toString(), e);
            }
        }
        closeFiles(topics, keyIndex, log);
        lock.close();
        if (config.ephemeral())
        {
            FileNames.deleteTree(directory);
        }
        LOG.debug("store closed: dir={}, clean={}", directory, clean);
    }

    @Override
    public String toString()
    {
        return "MessageStore{" + directory + '}';
    }

    private static Path resolveDirectory(final StoreConfig config)
    {
        try
        {
            final Path directory = config.directory() != null ? config.directory() :
                Files.createTempDirectory("rocklet-store-");
            Files.createDirectories(directory);
            return directory;
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot create store directory: dir=" + config.directory(), e);
        }
    }

    private static void closeAfterFailedOpen(final StoreConfig config, final Path directory, final DirectoryLock lock,
        final CommitLog log, final TopicTable topics, final KeyIndex keyIndex)
    {
        closeFiles(topics, keyIndex, log);
        lock.close();
        if (config.ephemeral())
        {
            FileNames.deleteTree(directory);
        }
    }

    private static void closeFiles(final TopicTable topics, final KeyIndex keyIndex, final CommitLog log)
    {
        if (topics != null)
        {
            for (final TopicState topic : topics.all())
            {
                for (final QueueState queue : topic.queues())
                {
                    queue.consumeQueue().close();
                }
            }
        }
        if (keyIndex != null)
        {
            keyIndex.close();
        }
        if (log != null)
        {
            log.close();
        }
    }
}

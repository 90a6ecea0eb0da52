package io.rocklet.store.internal.queue;

import io.rocklet.store.internal.file.MappedRegion;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A topic known to the store: its name (and its bytes, encoded once), a small id the dispatch ring
 * carries instead of the name, and its queues by id.
 */
public final class TopicState
{
    private final String name;
    private final byte[] nameBytes;
    private final int id;
    private final Path queuesDirectory;
    private final int entriesPerFile;
    private final boolean preallocate;
    private volatile QueueState[] queues = new QueueState[0];
    private volatile long visibleFrom;
    private volatile CompletableFuture<Void> pendingReset = CompletableFuture.completedFuture(null);

    TopicState(final String name, final int id, final Path queuesDirectory, final int entriesPerFile,
        final boolean preallocate)
    {
        this.name = name;
        this.nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        this.id = id;
        this.queuesDirectory = queuesDirectory;
        this.entriesPerFile = entriesPerFile;
        this.preallocate = preallocate;
    }

    public String name()
    {
        return name;
    }

    public byte[] nameBytes()
    {
        return nameBytes;
    }

    public int id()
    {
        return id;
    }

    /**
     * @return the log offset below which this topic's records are deleted (0 unless the topic was deleted): queues,
     *     key and id lookups and recovery ignore them.
     */
    public long visibleFrom()
    {
        return visibleFrom;
    }

    void visibleFrom(final long logOffset)
    {
        visibleFrom = logOffset;
    }

    /**
     * @return true when the record at {@code logOffset} of this topic was deleted with the topic.
     */
    public boolean isDeleted(final long logOffset)
    {
        return logOffset < visibleFrom;
    }

    /**
     * Append-lock holder: a reset of the queues was published to the dispatcher.
     *
     * @return completes when the dispatcher has reset them.
     */
    public CompletableFuture<Void> resetPublished()
    {
        final CompletableFuture<Void> reset = new CompletableFuture<>();
        pendingReset = reset;
        return reset;
    }

    /**
     * Dispatcher: deletes every consume queue's files; the queues restart empty at offset 0.
     */
    public void resetQueues()
    {
        for (final QueueState queue : queues())
        {
            queue.consumeQueue().reset(0);
        }
        pendingReset.complete(null);
    }

    /**
     * Recovery: empties the queues that still begin with a record stored before the topic was deleted (the store
     * stopped between the delete and the dispatcher's reset); the records after the delete are dispatched again.
     */
    public void resetQueuesHoldingDeleted()
    {
        for (final QueueState queue : queues())
        {
            final ConsumeQueue cq = queue.consumeQueue();
            if (cq.maxOffset() > cq.minOffset() && isDeleted(firstLogOffset(cq)))
            {
                cq.reset(0);
            }
        }
    }

    private static long firstLogOffset(final ConsumeQueue cq)
    {
        final long first = cq.minOffset();
        final MappedRegion file = cq.retainFile(first);
        if (file == null)
        {
            return Long.MIN_VALUE;
        }
        try
        {
            return file.buffer().getLong(cq.entryIndex(first) + ConsumeQueueDescriptor.LOG_OFFSET_OFFSET);
        }
        finally
        {
            file.release();
        }
    }

    /**
     * The dispatcher stopped before resetting the queues (close, fence): fails the wait.
     */
    public void abandonReset(final RuntimeException reason)
    {
        pendingReset.completeExceptionally(reason);
    }

    /**
     * @return the queue, or null when it has never been written.
     */
    public QueueState queue(final int queueId)
    {
        final QueueState[] current = queues;
        return queueId >= 0 && queueId < current.length ? current[queueId] : null;
    }

    public QueueState getOrCreateQueue(final int queueId)
    {
        final QueueState existing = queue(queueId);
        return existing != null ? existing : createQueue(queueId);
    }

    /**
     * @return the queues that exist, by ascending id.
     */
    public List<QueueState> queues()
    {
        final List<QueueState> list = new ArrayList<>();
        for (final QueueState queue : queues)
        {
            if (queue != null)
            {
                list.add(queue);
            }
        }
        return list;
    }

    private synchronized QueueState createQueue(final int queueId)
    {
        QueueState[] current = queues;
        if (queueId < current.length && current[queueId] != null)
        {
            return current[queueId];
        }
        if (queueId >= current.length)
        {
            current = Arrays.copyOf(current, queueId + 1);
        }
        else
        {
            current = current.clone();
        }
        final ConsumeQueue consumeQueue = new ConsumeQueue(queuesDirectory.resolve(Integer.toString(queueId)),
            entriesPerFile, preallocate);
        final QueueState queue = new QueueState(this, queueId, consumeQueue);
        current[queueId] = queue;
        queues = current;
        return queue;
    }

    @Override
    public String toString()
    {
        return name;
    }
}

package io.rocklet.store.internal.flush;

import io.rocklet.store.internal.index.IndexFile;
import io.rocklet.store.internal.index.KeyIndex;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import io.rocklet.store.internal.recovery.Checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Takes checkpoints: syncs consume queues and the key index, makes sure the log is durable up to the
 * dispatched position, then records that position (with a manifest of queues and index files) in
 * the checkpoint file. Crash recovery starts from the last checkpoint. One caller at a time.
 */
public final class Checkpointer
{
    private final Path directory;
    private final TopicTable topics;
    private final KeyIndex keyIndex;
    private final LogFlusher flusher;
    private final LongSupplier dispatchedPosition;
    private final LongSupplier dispatchedStoreTimestamp;
    private final boolean fsync;
    private volatile long position = -1;
    private List<Checkpoint.QueueMark> lastMarks = List.of();
    private List<Long> lastIndexFiles = List.of();

    public Checkpointer(final Path directory, final TopicTable topics, final KeyIndex keyIndex, final LogFlusher flusher,
        final LongSupplier dispatchedPosition, final LongSupplier dispatchedStoreTimestamp, final boolean fsync)
    {
        this.directory = directory;
        this.topics = topics;
        this.keyIndex = keyIndex;
        this.flusher = flusher;
        this.dispatchedPosition = dispatchedPosition;
        this.dispatchedStoreTimestamp = dispatchedStoreTimestamp;
        this.fsync = fsync;
    }

    /**
     * @return the position of the last checkpoint written, or -1.
     */
    public long position()
    {
        return position;
    }

    /**
     * Writes a checkpoint if the dispatched position, a queue's bounds or the index files changed since
     * the last one.
     *
     * @return true when one was written.
     */
    public boolean checkpoint()
    {
        // queue offsets first, then the position: every entry below a recorded offset is below the position
        final List<Checkpoint.QueueMark> marks = new ArrayList<>();
        for (final TopicState topic : topics.all())
        {
            for (final QueueState queue : topic.queues())
            {
                marks.add(new Checkpoint.QueueMark(topic.name(), queue.queueId(), queue.consumeQueue().minOffset(),
                    queue.consumeQueue().maxOffset()));
            }
        }
        final long storeTimestamp = dispatchedStoreTimestamp.getAsLong();
        final long target = dispatchedPosition.getAsLong();
        final List<Long> indexFiles = new ArrayList<>();
        for (final IndexFile file : keyIndex.files())
        {
            indexFiles.add(file.baseLogOffset());
        }
        if (target == position && marks.equals(lastMarks) && indexFiles.equals(lastIndexFiles))
        {
            return false;
        }
        if (fsync)
        {
            for (final TopicState topic : topics.all())
            {
                for (final QueueState queue : topic.queues())
                {
                    queue.consumeQueue().sync();
                }
            }
            keyIndex.sync();
            flusher.awaitDurable(target);
        }
        new Checkpoint(target, storeTimestamp, marks, indexFiles).write(directory, fsync);
        position = target;
        lastMarks = marks;
        lastIndexFiles = indexFiles;
        return true;
    }
}

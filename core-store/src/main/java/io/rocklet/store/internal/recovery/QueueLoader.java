package io.rocklet.store.internal.recovery;

import io.rocklet.api.TopicNames;
import io.rocklet.store.internal.file.FileNames;
import io.rocklet.store.internal.file.MappedRegion;
import io.rocklet.store.internal.log.CommitLog;
import io.rocklet.store.internal.log.LogSegment;
import io.rocklet.store.internal.log.RecordDescriptor;
import io.rocklet.store.internal.log.RecordView;
import io.rocklet.store.internal.queue.ConsumeQueue;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.rocklet.store.internal.queue.ConsumeQueueDescriptor.*;

/**
 * Loads the consume queues found on disk and checks them against the log and the checkpoint: entries
 * at or past the checkpoint are cut (recovery re-dispatches them), and a queue whose files are
 * missing, out of order or disagree with the log is reported as damaged, to be rebuilt.
 */
final class QueueLoader
{
    private static final Logger LOG = LoggerFactory.getLogger(QueueLoader.class);

    private final TopicTable topics;
    private final CommitLog log;
    private final RecordView view = new RecordView();
    private final LogScanner scanner = new LogScanner();
    private final Map<QueueState, Long> knownNext = new HashMap<>();

    QueueLoader(final TopicTable topics, final CommitLog log)
    {
        this.topics = topics;
        this.log = log;
    }

    /**
     * @param checkpoint the checkpoint, or null.
     * @param position   the checkpoint position (entries at or past it are cut).
     * @return the damaged queues.
     */
    Set<QueueState> load(final Checkpoint checkpoint, final long position)
    {
        final Set<QueueState> damaged = new LinkedHashSet<>();
        final Map<QueueState, Long> onDisk = new HashMap<>();
        final Map<QueueState, Long> firstOnDisk = new HashMap<>();
        for (final Path topicDirectory : list(topics.directory()))
        {
            final String topicName = topicDirectory.getFileName().toString();
            if (!TopicNames.isValid(topicName) || !Files.isDirectory(topicDirectory))
            {
                LOG.warn("ignoring unexpected entry in consume-queue directory: path={}", topicDirectory);
                continue;
            }
            final TopicState topic = topics.getOrCreate(topicName);
            for (final Path queueDirectory : list(topicDirectory))
            {
                final int queueId = parseQueueId(queueDirectory.getFileName().toString());
                if (queueId < 0)
                {
                    LOG.warn("ignoring unexpected entry in consume-queue directory: path={}", queueDirectory);
                    continue;
                }
                final QueueState queue = topic.getOrCreateQueue(queueId);
                if (!loadQueue(queue, position, onDisk, firstOnDisk))
                {
                    damaged.add(queue);
                }
            }
        }
        knownNext.putAll(onDisk);
        if (checkpoint != null)
        {
            for (final Checkpoint.QueueMark mark : checkpoint.queues())
            {
                final QueueState queue = topics.getOrCreate(mark.topic()).getOrCreateQueue(mark.queueId());
                knownNext.merge(queue, mark.nextOffset(), Math::max);
                // compare what was on disk, not what is left after the cut at the checkpoint position: the
                // marks are taken while the dispatcher runs, so they may count entries at or past the position
                final long found = onDisk.getOrDefault(queue, queue.consumeQueue().maxOffset());
                if (found < mark.nextOffset())
                {
                    LOG.warn("consume queue shorter than the checkpoint says: queue={}, maxOffset={}, checkpointOffset={}",
                        queue, found, mark.nextOffset());
                    damaged.add(queue);
                }
                // a first file starting above the recorded minimum was deleted: by retention after the checkpoint
                // (the rebuild then finds the same entries) or by damage (the rebuild restores them)
                final long first = firstOnDisk.getOrDefault(queue, mark.minOffset());
                final int perFile = queue.consumeQueue().entriesPerFile();
                if (first > mark.minOffset() - mark.minOffset() % perFile && mark.minOffset() < mark.nextOffset())
                {
                    LOG.warn("consume queue starts above the checkpoint's minimum: queue={}, firstFileOffset={}, " +
                        "checkpointMinOffset={}", queue, first, mark.minOffset());
                    damaged.add(queue);
                }
            }
        }
        return damaged;
    }

    /**
     * @return per queue, the next offset its files or the checkpoint knew of before the cut: a queue whose
     *     last records were lost to damage still reserves their offsets.
     */
    Map<QueueState, Long> knownNext()
    {
        return knownNext;
    }

    private boolean loadQueue(final QueueState queue, final long position, final Map<QueueState, Long> onDisk,
        final Map<QueueState, Long> firstOnDisk)
    {
        final ConsumeQueue cq = queue.consumeQueue();
        final long[] firsts = FileNames.list(cq.directory());
        if (firsts.length == 0)
        {
            return true;
        }
        for (int i = 0; i < firsts.length; i++)
        {
            if (firsts[i] % cq.entriesPerFile() != 0 || (i > 0 && firsts[i] != firsts[i - 1] + cq.entriesPerFile()))
            {
                LOG.warn("consume queue files not contiguous: queue={}, file={}", queue, FileNames.name(firsts[i]));
                FileNames.deleteTree(cq.directory());
                return false;
            }
        }
        final MappedRegion[] regions = new MappedRegion[firsts.length];
        for (int i = 0; i < firsts.length; i++)
        {
            try
            {
                regions[i] = MappedRegion.map(cq.directory().resolve(FileNames.name(firsts[i])), cq.fileBytes(), false);
            }
            catch (final io.rocklet.api.StorageException e)
            {
                LOG.warn("consume queue file unusable: queue={}, error={}", queue, e.getMessage());
                for (int j = 0; j < i; j++)
                {
                    regions[j].release();
                }
                FileNames.deleteTree(cq.directory());
                return false;
            }
        }
        final long first = firsts[0];
        firstOnDisk.put(queue, first);
        final long end = first + (long)regions.length * cq.entriesPerFile();
        onDisk.put(queue, firstInvalid(regions, first, end, cq.entriesPerFile(), Long.MAX_VALUE));
        final long max = firstInvalid(regions, first, end, cq.entriesPerFile(), position);
        cutAfter(regions, first, cq.entriesPerFile(), max);
        final int keep = max == first ? 1 : (int)((max - 1 - first) / cq.entriesPerFile()) + 1;
        for (int i = keep; i < regions.length; i++)
        {
            regions[i].releaseAndDelete();
        }
        final MappedRegion[] kept = java.util.Arrays.copyOf(regions, keep);
        final long min = firstAtOrAfter(kept, first, max, cq.entriesPerFile(), log.minOffset());
        cq.restore(first, kept, min, max);
        // the first and last readable entry of every file: a file truncated or zeroed by hand shows there
        for (long fileStart = first; fileStart < max; fileStart += cq.entriesPerFile())
        {
            final long low = Math.max(fileStart, min);
            final long high = Math.min(fileStart + cq.entriesPerFile(), max) - 1;
            if (low <= high && !(entryMatchesLog(queue, kept, first, low) && entryMatchesLog(queue, kept, first, high)))
            {
                return false;
            }
        }
        return true;
    }

    /** Binary search for the first entry that is empty or at/after the checkpoint (entries before form a prefix). */
    private static long firstInvalid(final MappedRegion[] regions, final long first, final long end,
        final int entriesPerFile, final long position)
    {
        long low = first;
        long high = end;
        while (low < high)
        {
            final long mid = (low + high) >>> 1;
            final UnsafeBuffer buffer = regions[(int)((mid - first) / entriesPerFile)].buffer();
            final int index = (int)(mid % entriesPerFile) * ENTRY_LENGTH;
            final boolean valid = buffer.getInt(index + SIZE_OFFSET) != 0 &&
                buffer.getLong(index + LOG_OFFSET_OFFSET) < position;
            if (valid)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /** Binary search for the first entry whose record is still in the log. */
    private static long firstAtOrAfter(final MappedRegion[] regions, final long first, final long max,
        final int entriesPerFile, final long minLogOffset)
    {
        long low = first;
        long high = max;
        while (low < high)
        {
            final long mid = (low + high) >>> 1;
            final UnsafeBuffer buffer = regions[(int)((mid - first) / entriesPerFile)].buffer();
            if (buffer.getLong((int)(mid % entriesPerFile) * ENTRY_LENGTH + LOG_OFFSET_OFFSET) < minLogOffset)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    private static void cutAfter(final MappedRegion[] regions, final long first, final int entriesPerFile,
        final long max)
    {
        final int fileIndex = (int)((max - first) / entriesPerFile);
        if (fileIndex < regions.length)
        {
            final UnsafeBuffer buffer = regions[fileIndex].buffer();
            final int from = (int)(max % entriesPerFile) * ENTRY_LENGTH;
            buffer.setMemory(from, buffer.capacity() - from, (byte)0);
        }
    }

    private boolean entryMatchesLog(final QueueState queue, final MappedRegion[] regions, final long first,
        final long queueOffset)
    {
        final UnsafeBuffer entries = regions[(int)((queueOffset - first) / queue.consumeQueue().entriesPerFile())]
            .buffer();
        final int index = (int)(queueOffset % queue.consumeQueue().entriesPerFile()) * ENTRY_LENGTH;
        final long logOffset = entries.getLong(index + LOG_OFFSET_OFFSET);
        final int size = entries.getInt(index + SIZE_OFFSET);
        if (size == HOLE_SIZE)
        {
            return true; // a record lost to damage: nothing in the log to compare with
        }
        final LogSegment segment = log.segmentFor(logOffset);
        if (segment == null || logOffset + size > segment.endOffset())
        {
            LOG.warn("consume queue entry points outside the log: queue={}, queueOffset={}, logOffset={}", queue,
                queueOffset, logOffset);
            return false;
        }
        final int recordIndex = (int)(logOffset - segment.baseOffset());
        view.wrap(segment.buffer(), recordIndex);
        // the CRC too: a record cut short (file truncated) keeps a header that matches
        final boolean matches = view.magic() == RecordDescriptor.RECORD_MAGIC && view.length() == size &&
            view.queueId() == queue.queueId() && view.queueOffset() == queueOffset &&
            view.topicEquals(queue.topic().nameBytes()) &&
            scanner.check(segment, recordIndex, size, view.magic(), logOffset) == null;
        if (!matches)
        {
            LOG.warn("consume queue entry disagrees with the log: queue={}, queueOffset={}, logOffset={}", queue,
                queueOffset, logOffset);
        }
        return matches;
    }

    private static int parseQueueId(final String name)
    {
        try
        {
            final int id = Integer.parseInt(name);
            return id >= 0 && Integer.toString(id).equals(name) ? id : -1;
        }
        catch (final NumberFormatException e)
        {
            return -1;
        }
    }

    private static List<Path> list(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return List.of();
        }
        try (Stream<Path> paths = Files.list(directory))
        {
            return new ArrayList<>(paths.sorted().toList());
        }
        catch (final IOException e)
        {
            throw new io.rocklet.api.StorageException(io.rocklet.api.ErrorCode.IO_ERROR,
                "cannot list directory: dir=" + directory, e);
        }
    }
}

package io.rocklet.broker.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumer groups' committed offsets, per (group, topic, queue), persisted in the file {@value #FILE} of the broker
 * directory (see {@link BrokerFiles}), one record per queue:
 *
 * <pre>
 * &lt;group&gt; &lt;topic&gt; &lt;queueId&gt; &lt;offset&gt;
 * </pre>
 *
 * Commits and queries come from any thread (lock-free maps); {@link #persist()} runs on the broker agent (and at
 * close) and writes only when something changed since the last write.
 */
public final class OffsetTable
{
    public static final String FILE = "consumerOffsets";

    private final Path file;
    private final boolean fsync;
    private final ConcurrentHashMap<GroupTopic, ConcurrentHashMap<Integer, Long>> offsets = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private long persistedChanges;

    private OffsetTable(final Path file, final boolean fsync)
    {
        this.file = file;
        this.fsync = fsync;
    }

    /** A group's offsets of one topic. */
    private record GroupTopic(String group, String topic)
    {
    }

    /**
     * Loads the offsets from {@code directory} (none when there is no file yet).
     */
    public static OffsetTable load(final Path directory, final boolean fsync)
    {
        final OffsetTable table = new OffsetTable(directory.resolve(FILE), fsync);
        for (final String[] record : BrokerFiles.read(table.file))
        {
            try
            {
                if (record.length != 4)
                {
                    BrokerFiles.skip(table.file, record, "expected 4 fields");
                    continue;
                }
                final int queueId = Integer.parseInt(record[2]);
                final long offset = Long.parseLong(record[3]);
                if (queueId < 0 || offset < 0)
                {
                    BrokerFiles.skip(table.file, record, "negative queue id or offset");
                    continue;
                }
                table.queues(record[0], record[1]).put(queueId, offset);
            }
            catch (final NumberFormatException e)
            {
                BrokerFiles.skip(table.file, record, e.getMessage());
            }
        }
        return table;
    }

    /**
     * Sets the group's committed offset of one queue.
     */
    public void commit(final String group, final String topic, final int queueId, final long offset)
    {
        queues(group, topic).put(queueId, offset);
        changes.incrementAndGet();
    }

    /**
     * @return the group's committed offset of the queue, or -1 when it has none.
     */
    public long query(final String group, final String topic, final int queueId)
    {
        final Map<Integer, Long> queues = offsets.get(new GroupTopic(group, topic));
        final Long offset = queues == null ? null : queues.get(queueId);
        return offset == null ? -1 : offset;
    }

    /**
     * @return group to the topics it has committed offsets for, both sorted.
     */
    public Map<String, Set<String>> groupTopics()
    {
        final Map<String, Set<String>> groups = new TreeMap<>();
        for (final GroupTopic key : offsets.keySet())
        {
            groups.computeIfAbsent(key.group(), g -> new TreeSet<>()).add(key.topic());
        }
        return groups;
    }

    /**
     * @return every committed offset: group, then {@code topic@queueId}, then offset (a master's copy for its slaves).
     */
    public Map<String, Map<String, Long>> snapshot()
    {
        final Map<String, Map<String, Long>> copy = new TreeMap<>();
        offsets.forEach((key, queues) -> queues.forEach((queueId, offset) ->
            copy.computeIfAbsent(key.group(), g -> new TreeMap<>()).put(key.topic() + '@' + queueId, offset)));
        return copy;
    }

    /**
     * Takes each offset of {@code snapshot} that is ahead of this table's (a slave following its master keeps what
     * consumers committed to it while the master was away).
     *
     * @return how many offsets moved.
     */
    public int mergeLarger(final Map<String, Map<String, Long>> snapshot)
    {
        int moved = 0;
        for (final Map.Entry<String, Map<String, Long>> group : snapshot.entrySet())
        {
            for (final Map.Entry<String, Long> queue : group.getValue().entrySet())
            {
                final int at = queue.getKey().lastIndexOf('@');
                final String topic = queue.getKey().substring(0, at);
                final int queueId = Integer.parseInt(queue.getKey().substring(at + 1));
                if (queue.getValue() > query(group.getKey(), topic, queueId))
                {
                    commit(group.getKey(), topic, queueId, queue.getValue());
                    moved++;
                }
            }
        }
        return moved;
    }

    /**
     * Forgets every group's offsets of {@code topic} (the topic was deleted).
     */
    public void removeTopic(final String topic)
    {
        if (offsets.keySet().removeIf(key -> key.topic().equals(topic)))
        {
            changes.incrementAndGet();
        }
    }

    /**
     * Writes the table when it changed since the last write. Called by one thread at a time.
     *
     * @return 1 when it wrote, else 0.
     */
    public synchronized int persist()
    {
        final long seen = changes.get();
        if (seen == persistedChanges)
        {
            return 0;
        }
        final TreeMap<String, String> sorted = new TreeMap<>();
        offsets.forEach((key, queues) -> queues.forEach((queueId, offset) ->
            sorted.put(key.group() + ' ' + key.topic() + ' ' + String.format("%05d", queueId),
                key.group() + ' ' + key.topic() + ' ' + queueId + ' ' + offset)));
        BrokerFiles.write(file, "consumer-offsets", new ArrayList<>(sorted.values()), fsync);
        persistedChanges = seen;
        return 1;
    }

    private ConcurrentHashMap<Integer, Long> queues(final String group, final String topic)
    {
        return offsets.computeIfAbsent(new GroupTopic(group, topic), k -> new ConcurrentHashMap<>());
    }
}

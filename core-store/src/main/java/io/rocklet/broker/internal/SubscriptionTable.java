package io.rocklet.broker.internal;

import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.store.MessageStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each consumer group first subscribed to each topic (wall clock, ms), so that a group starting at LAST still
 * consumes queues that did not exist - or held nothing yet - when it subscribed: RocketMQ's "a new group starts at the
 * end" is about the messages stored before the group existed, and a topic created by the first send after the group
 * subscribed (the README's first snippet) holds none. Persisted in the file {@value #FILE} of the broker directory
 * (see {@link BrokerFiles}), one record per group and topic:
 *
 * <pre>
 * &lt;group&gt; &lt;topic&gt; &lt;firstSubscribedMs&gt;
 * </pre>
 *
 * The time is the earliest a member of the group says it subscribed ({@link ConsumerRegistration#subscribedMs()},
 * its client's clock, so a member that subscribed before the broker heard of it counts from then), never later than
 * the broker's clock when it heard of it. Records come from any thread (a lock-free map); {@link #persist()} runs on
 * the broker agent (and at close) and writes only when something changed since the last write. A record lost in a
 * crash comes back with the group's next heartbeat.
 */
public final class SubscriptionTable
{
    public static final String FILE = "subscriptions";

    private final Path file;
    private final boolean fsync;
    private final ConcurrentHashMap<GroupTopic, Long> firstSubscribedMs = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private long persistedChanges;

    /** One group's subscription to one topic. */
    private record GroupTopic(String group, String topic)
    {
    }

    private SubscriptionTable(final Path file, final boolean fsync)
    {
        this.file = file;
        this.fsync = fsync;
    }

    /**
     * Loads the table from {@code directory} (empty when there is no file yet).
     */
    public static SubscriptionTable load(final Path directory, final boolean fsync)
    {
        final SubscriptionTable table = new SubscriptionTable(directory.resolve(FILE), fsync);
        for (final String[] record : BrokerFiles.read(table.file))
        {
            try
            {
                if (record.length != 3)
                {
                    BrokerFiles.skip(table.file, record, "expected 3 fields");
                    continue;
                }
                table.firstSubscribedMs.put(new GroupTopic(record[0], record[1]), Long.parseLong(record[2]));
            }
            catch (final NumberFormatException e)
            {
                BrokerFiles.skip(table.file, record, e.getMessage());
            }
        }
        return table;
    }

    /**
     * Records the registration's topics as subscribed by its group since its {@code subscribedMs} (or {@code nowMs}
     * when it gives none or a later one), unless the group is known to have subscribed earlier.
     */
    public void record(final ConsumerRegistration registration, final long nowMs)
    {
        final long since = registration.subscribedMs() > 0 ? Math.min(registration.subscribedMs(), nowMs) : nowMs;
        for (final String topic : registration.subscriptions().keySet())
        {
            final GroupTopic key = new GroupTopic(registration.group(), topic);
            final Long previous = firstSubscribedMs.get(key);
            if (previous == null || since < previous)
            {
                firstSubscribedMs.merge(key, since, Math::min);
                changes.incrementAndGet();
            }
        }
    }

    /**
     * @return group, then topic, then when the group first subscribed to it (a master's copy for its slaves).
     */
    public java.util.Map<String, java.util.Map<String, Long>> snapshot()
    {
        final java.util.Map<String, java.util.Map<String, Long>> copy = new java.util.TreeMap<>();
        firstSubscribedMs.forEach((key, ms) ->
            copy.computeIfAbsent(key.group(), g -> new java.util.TreeMap<>()).put(key.topic(), ms));
        return copy;
    }

    /**
     * Takes each subscription time of {@code snapshot} that is earlier than this table's.
     */
    public void mergeEarlier(final java.util.Map<String, java.util.Map<String, Long>> snapshot)
    {
        snapshot.forEach((group, topics) -> topics.forEach((topic, ms) ->
        {
            final Long previous = firstSubscribedMs.get(new GroupTopic(group, topic));
            if (previous == null || ms < previous)
            {
                firstSubscribedMs.merge(new GroupTopic(group, topic), ms, Math::min);
                changes.incrementAndGet();
            }
        }));
    }

    /**
     * @return when the group first subscribed to the topic, or -1 when it never did (as far as this broker knows).
     */
    public long firstSubscribedMs(final String group, final String topic)
    {
        final Long since = firstSubscribedMs.get(new GroupTopic(group, topic));
        return since == null ? -1 : since;
    }

    /**
     * Where a group without a committed offset starts in a queue that held nothing when it first subscribed: at the
     * queue's first message, when every message of the queue (from offset 0, none deleted) was stored at or after the
     * group's first subscription of the topic. Read the store once it is readable (every acknowledged send counted).
     *
     * @return 0 when the queue is such a queue; -1 otherwise (the group's consumeFrom decides).
     */
    public long startOfNewQueue(final MessageStore store, final String group, final String topic, final int queueId)
    {
        final long since = firstSubscribedMs(group, topic);
        if (since < 0 || store.minOffset(topic, queueId) != 0 || store.maxOffset(topic, queueId) <= 0)
        {
            return -1;
        }
        return store.offsetForTimestamp(topic, queueId, since) == 0 ? 0 : -1;
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
        final Map<String, String> sorted = new TreeMap<>();
        firstSubscribedMs.forEach((key, since) -> sorted.put(key.group() + ' ' + key.topic(),
            key.group() + ' ' + key.topic() + ' ' + since));
        BrokerFiles.write(file, "subscriptions", new ArrayList<>(sorted.values()), fsync);
        persistedChanges = seen;
        return 1;
    }
}

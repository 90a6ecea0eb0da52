package io.rocklet.broker.internal;

import io.rocklet.api.TopicConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's topic table, persisted in the file {@value #FILE} of the broker directory (see {@link BrokerFiles}):
 *
 * <pre>
 * version &lt;dataVersion&gt;
 * topic &lt;name&gt; &lt;readQueues&gt; &lt;writeQueues&gt; &lt;permission&gt; &lt;order&gt;
 * </pre>
 *
 * Lookups are lock-free from any thread; changes are serialised by a lock, written to disk before they return,
 * and raise the data version the broker registers with routers (it only grows, across restarts too).
 */
public final class TopicConfigStore
{
    public static final String FILE = "topics";

    private final Path file;
    private final boolean fsync;
    private final ConcurrentHashMap<String, TopicConfig> topics = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private volatile long dataVersion;

    private TopicConfigStore(final Path file, final boolean fsync)
    {
        this.file = file;
        this.fsync = fsync;
    }

    /**
     * Loads the table from {@code directory} (empty when there is no file yet).
     *
     * @param minVersion the lowest data version to start from (the broker passes the wall-clock time, so versions
     *                   keep growing even if the file is lost).
     */
    public static TopicConfigStore load(final Path directory, final boolean fsync, final long minVersion)
    {
        final TopicConfigStore store = new TopicConfigStore(directory.resolve(FILE), fsync);
        long version = 0;
        for (final String[] record : BrokerFiles.read(store.file))
        {
            try
            {
                if (record[0].equals("version") && record.length == 2)
                {
                    version = Long.parseLong(record[1]);
                }
                else if (record[0].equals("topic") && record.length == 6)
                {
                    final TopicConfig topic = new TopicConfig(record[1], Integer.parseInt(record[2]),
                        Integer.parseInt(record[3]), Integer.parseInt(record[4]), Boolean.parseBoolean(record[5]));
                    store.topics.put(topic.name(), topic);
                }
                else
                {
                    BrokerFiles.skip(store.file, record, "unknown record");
                }
            }
            catch (final RuntimeException e)
            {
                BrokerFiles.skip(store.file, record, e.getMessage());
            }
        }
        store.dataVersion = Math.max(version + 1, minVersion);
        return store;
    }

    /**
     * @return the topic, or null when the broker does not have it.
     */
    public TopicConfig get(final String name)
    {
        return topics.get(name);
    }

    /**
     * @return every topic, sorted by name.
     */
    public List<TopicConfig> all()
    {
        final List<TopicConfig> all = new ArrayList<>(topics.values());
        all.sort(Comparator.comparing(TopicConfig::name));
        return all;
    }

    /**
     * @return grows whenever the table changes.
     */
    public long dataVersion()
    {
        return dataVersion;
    }

    /**
     * Creates or replaces a topic.
     *
     * @return true when the table changed.
     */
    public boolean put(final TopicConfig topic)
    {
        synchronized (lock)
        {
            final TopicConfig previous = topics.get(topic.name());
            if (topic.equals(previous))
            {
                return false;
            }
            topics.put(topic.name(), topic);
            persistOrUndo(topic.name(), previous);
            return true;
        }
    }

    /**
     * Creates {@code topic} unless a topic of that name exists.
     *
     * @return the topic now in the table under that name.
     */
    public TopicConfig putIfAbsent(final TopicConfig topic)
    {
        final TopicConfig existing = topics.get(topic.name());
        if (existing != null)
        {
            return existing;
        }
        synchronized (lock)
        {
            final TopicConfig raced = topics.putIfAbsent(topic.name(), topic);
            if (raced != null)
            {
                return raced;
            }
            persistOrUndo(topic.name(), null);
            return topic;
        }
    }

    /**
     * @return the removed topic, or null when there was none.
     */
    public TopicConfig remove(final String name)
    {
        synchronized (lock)
        {
            final TopicConfig removed = topics.remove(name);
            if (removed != null)
            {
                persistOrUndo(name, removed);
            }
            return removed;
        }
    }

    /**
     * Under the lock, after a change of {@code name}: writes the table with a new version; when the write fails,
     * puts {@code previous} back (null: removes the name) and rethrows, so that memory and disk agree.
     */
    private void persistOrUndo(final String name, final TopicConfig previous)
    {
        try
        {
            write(dataVersion + 1);
            dataVersion++;
        }
        catch (final RuntimeException e)
        {
            if (previous == null)
            {
                topics.remove(name);
            }
            else
            {
                topics.put(name, previous);
            }
            throw e;
        }
    }

    private void write(final long version)
    {
        final List<String> records = new ArrayList<>(topics.size() + 1);
        records.add("version " + version);
        for (final TopicConfig topic : all())
        {
            records.add("topic " + topic.name() + ' ' + topic.readQueues() + ' ' + topic.writeQueues() + ' ' +
                topic.permission() + ' ' + topic.order());
        }
        BrokerFiles.write(file, "topics", records, fsync);
    }
}

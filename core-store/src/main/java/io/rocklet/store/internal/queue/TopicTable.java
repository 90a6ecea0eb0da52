package io.rocklet.store.internal.queue;

import io.rocklet.api.TopicNames;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every topic the store has seen, by name and by id. Topics are added on first append (or found on
 * disk by recovery) and never removed while the store is open. Thread-safe.
 */
public final class TopicTable
{
    public static final String DIRECTORY = "consumequeue";

    private final ConcurrentHashMap<String, TopicState> byName = new ConcurrentHashMap<>();
    private final Path directory;
    private final int entriesPerFile;
    private final boolean preallocate;
    private volatile TopicState[] byId = new TopicState[0];

    public TopicTable(final Path storeDirectory, final int entriesPerFile, final boolean preallocate)
    {
        this.directory = storeDirectory.resolve(DIRECTORY);
        this.entriesPerFile = entriesPerFile;
        this.preallocate = preallocate;
    }

    public Path directory()
    {
        return directory;
    }

    /**
     * @return the topic, or null when the store has never seen it.
     */
    public TopicState get(final String name)
    {
        return byName.get(name);
    }

    /**
     * @throws io.rocklet.api.InvalidArgumentException when the name breaks the naming rules.
     */
    public TopicState getOrCreate(final String name)
    {
        final TopicState existing = byName.get(name);
        return existing != null ? existing : create(name);
    }

    public TopicState byId(final int id)
    {
        return byId[id];
    }

    public List<TopicState> all()
    {
        return new ArrayList<>(Arrays.asList(byId));
    }

    private synchronized TopicState create(final String name)
    {
        final TopicState existing = byName.get(name);
        if (existing != null)
        {
            return existing;
        }
        TopicNames.validate(name);
        final TopicState[] current = byId;
        final TopicState topic = new TopicState(name, current.length, directory.resolve(name), entriesPerFile,
            preallocate);
        final TopicState[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = topic;
        byId = next;
        byName.put(name, topic);
        return topic;
    }
}

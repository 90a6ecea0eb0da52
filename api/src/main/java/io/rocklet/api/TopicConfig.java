package io.rocklet.api;

/**
 * A topic as one broker holds it: how many queues producers write to and consumers read from, and
 * whether it may be written and read.
 *
 * @param name        the topic.
 * @param readQueues  queues consumers read (1 to 1024).
 * @param writeQueues queues producers write (1 to 1024); usually equal to {@code readQueues}.
 * @param permission  {@link #PERM_READ}, {@link #PERM_WRITE} or both.
 * @param order       a hint that the topic carries ordered messages (per-queue FIFO consumers).
 */
public record TopicConfig(String name, int readQueues, int writeQueues, int permission, boolean order)
{
    public static final int PERM_WRITE = 2;
    public static final int PERM_READ = 4;
    public static final int PERM_READ_WRITE = PERM_READ | PERM_WRITE;
    public static final int MAX_QUEUES = 1024;
    /** Queues of a topic created on first send (RocketMQ's default). */
    public static final int DEFAULT_QUEUES = 4;

    public TopicConfig
    {
        TopicNames.validate(name);
        if (readQueues < 1 || readQueues > MAX_QUEUES || writeQueues < 1 || writeQueues > MAX_QUEUES)
        {
            throw new InvalidArgumentException("illegal queue count: topic=" + name + ", readQueues=" + readQueues +
                ", writeQueues=" + writeQueues + ", allowed=1.." + MAX_QUEUES);
        }
        if ((permission & ~PERM_READ_WRITE) != 0)
        {
            throw new InvalidArgumentException("illegal permission: topic=" + name + ", permission=" + permission);
        }
    }

    /**
     * @return a readable and writable topic with {@code queues} queues.
     */
    public static TopicConfig of(final String name, final int queues)
    {
        return new TopicConfig(name, queues, queues, PERM_READ_WRITE, false);
    }

    public boolean readable()
    {
        return (permission & PERM_READ) != 0;
    }

    public boolean writable()
    {
        return (permission & PERM_WRITE) != 0;
    }
}

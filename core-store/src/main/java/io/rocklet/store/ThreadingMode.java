package io.rocklet.store;

/**
 * How the store runs its agents (the dispatcher, and the housekeeper that flushes, checkpoints,
 * prepares segments and applies retention).
 */
public enum ThreadingMode
{
    /** Each agent on a thread of its own: two threads. The default. */
    DEDICATED,
    /** Both agents on one thread, for hosts with few cores or many stores. */
    SHARED,
    /** No threads: the caller runs the agents with {@link MessageStore#doWork()} (deterministic tests). */
    INVOKER
}

package io.rocklet.store;

/**
 * When an append counts as done.
 */
public enum FlushMode
{
    /**
     * The append returns once the record is in the page cache; a flusher writes dirty pages to disk
     * every {@code flushInterval}. A machine crash can lose the unflushed window; a process crash
     * loses nothing.
     */
    ASYNC,
    /**
     * The append returns only after its bytes are on disk. Concurrent appends share one flush (group
     * commit), so throughput grows with the number of writers.
     */
    SYNC
}

package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageSelector;

import java.util.ArrayDeque;

/**
 * One queue of a pull consumer: the messages fetched ahead of {@code poll}, where the next fetch starts,
 * and the application's position (the offset after the last message {@code poll} returned). The epoch
 * grows on every seek or reset, so that answers to fetches sent before it are ignored.
 *
 * <p>Not thread-safe: guarded by the lock of the {@link FetchBuffers} that owns it.
 */
final class FetchQueue implements QueueFetcher.Target
{
    final MessageQueue queue;
    final MessageSelector selector;
    final ArrayDeque<ReceivedMessageImpl> buffer = new ArrayDeque<>();
    final FetchSlot slot = new FetchSlot();
    int epoch;
    long fetchOffset = -1;
    long position = -1;
    boolean removed;

    FetchQueue(final MessageQueue queue, final MessageSelector selector)
    {
        this.queue = queue;
        this.selector = selector;
    }

    /**
     * Moves both the next fetch and the position to {@code offset}, dropping what was fetched; a fetch in
     * flight no longer counts.
     */
    void reposition(final long offset)
    {
        epoch++;
        buffer.clear();
        slot.abandon();
        fetchOffset = offset;
        position = offset;
    }

    @Override
    public MessageQueue queue()
    {
        return queue;
    }

    @Override
    public FetchSlot slot()
    {
        return slot;
    }
}

package io.rocklet.broker.internal;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.store.MessageStore;

import java.util.concurrent.CompletableFuture;

/**
 * Answers a group's offset query: its committed offset, or - when it has none and first subscribed before the
 * queue held anything - the queue's start, so that a new group still reads queues that were created (or first
 * written) after it subscribed. Thread-safe: the tables it reads are.
 */
public final class OffsetQueries
{
    private final MessageStore store;
    private final OffsetTable offsets;
    private final SubscriptionTable subscriptions;
    private final ConsumerGroups groups;

    public OffsetQueries(final MessageStore store, final OffsetTable offsets, final SubscriptionTable subscriptions,
        final ConsumerGroups groups)
    {
        this.store = store;
        this.offsets = offsets;
        this.subscriptions = subscriptions;
        this.groups = groups;
    }

    /**
     * @return the committed offset, the queue's start for a queue new to the group, or -1 (the consumer decides).
     */
    public CompletableFuture<Long> query(final String group, final String topic, final int queueId)
    {
        final long committed = offsets.query(group, topic, queueId);
        if (committed >= 0 || subscriptions.firstSubscribedMs(group, topic) < 0 ||
            groups.anyMemberStartsAt(group, ConsumeFrom.Position.TIMESTAMP))
        {
            return CompletableFuture.completedFuture(committed);
        }
        return store.whenReadable().thenApply(readable ->
        {
            final long now = offsets.query(group, topic, queueId);
            return now >= 0 ? now : subscriptions.startOfNewQueue(store, group, topic, queueId);
        });
    }
}

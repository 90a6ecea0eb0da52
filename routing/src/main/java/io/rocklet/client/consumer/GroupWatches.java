package io.rocklet.client.consumer;

import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.Subscription;
import io.rocklet.client.internal.ClientContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Watches a consumer group on every broker that holds one of its topics ({@code BrokerService.watchGroup}),
 * so that membership changes and offset resets reach the consumer at once. A broker whose watch could not
 * be set up, or which stopped answering, is watched again at the next {@link #watch}. Thread-safe; close is
 * idempotent.
 */
final class GroupWatches implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupWatches.class);

    private final ClientContext context;
    private final String group;
    private final BiConsumer<String, GroupEvent> listener;
    private final Map<String, Subscription> watches = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param listener called with the broker name and the event; must not block.
     */
    GroupWatches(final ClientContext context, final String group, final BiConsumer<String, GroupEvent> listener)
    {
        this.context = context;
        this.group = group;
        this.listener = listener;
    }

    /**
     * Watches the group on each of {@code brokerNames} not watched yet.
     */
    void watch(final Collection<String> brokerNames)
    {
        for (final String brokerName : brokerNames)
        {
            if (closed || watches.containsKey(brokerName))
            {
                continue;
            }
            try
            {
                final Subscription subscription = context.broker(brokerName).watchGroup(group, context.clientId(),
                    event -> listener.accept(brokerName, event));
                if (watches.putIfAbsent(brokerName, subscription) != null || closed)
                {
                    subscription.close();
                }
            }
            catch (final RockletException ex)
            {
                LOG.warn("watching a consumer group failed, will retry: group={}, broker={}, error={}", group,
                    brokerName, ex.toString());
            }
        }
    }

    /**
     * Drops the watch on a broker that stopped answering (a restarted broker no longer knows it), so that
     * the next {@link #watch} sets it up again.
     *
     * @return true when there was a watch to drop.
     */
    boolean forget(final String brokerName)
    {
        final Subscription subscription = watches.remove(brokerName);
        if (subscription == null)
        {
            return false;
        }
        closeQuietly(brokerName, subscription);
        return true;
    }

    @Override
    public void close()
    {
        closed = true;
        for (final String brokerName : watches.keySet())
        {
            final Subscription subscription = watches.remove(brokerName);
            if (subscription != null)
            {
                closeQuietly(brokerName, subscription);
            }
        }
    }

    private void closeQuietly(final String brokerName, final Subscription subscription)
    {
        try
        {
            subscription.close();
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("closing a group watch failed: group={}, broker={}", group, brokerName, ex);
        }
    }
}

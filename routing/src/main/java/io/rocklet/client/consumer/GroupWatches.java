package io.rocklet.client.consumer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.Subscription;
import io.rocklet.client.internal.ClientContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Watches a consumer group on every broker that holds one of its topics ({@code BrokerService.watchGroup}),
 * so that membership changes and offset resets reach the consumer at once. A broker whose watch could not
 * be set up, or which stopped answering, is watched again at the next {@link #watch}. A broker that refuses the
 * watch for good (PERMISSION_DENIED, UNAUTHENTICATED, a rejected request; at once or later through
 * {@link Subscription#failure()}) is logged once at WARN and not watched again by this consumer: its changes are then
 * picked up by the periodic rebalance only. Thread-safe; close is idempotent.
 */
final class GroupWatches implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupWatches.class);

    private final ClientContext context;
    private final String group;
    private final BiConsumer<String, GroupEvent> listener;
    private final Map<String, Subscription> watches = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
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
            if (closed || watches.containsKey(brokerName) || refused.contains(brokerName))
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
                    continue;
                }
                subscription.failure().whenComplete((done, error) ->
                {
                    if (error != null && watches.remove(brokerName, subscription))
                    {
                        onFailed(brokerName, Futures.unwrap(error));
                    }
                });
            }
            catch (final RockletException ex)
            {
                onFailed(brokerName, ex);
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

    /**
     * @return the brokers that refused the watch for good.
     */
    Set<String> refused()
    {
        return Set.copyOf(refused);
    }

    private void onFailed(final String brokerName, final Throwable error)
    {
        final ErrorCode code = Futures.codeOf(error);
        if (code == ErrorCode.PERMISSION_DENIED || code == ErrorCode.UNAUTHENTICATED ||
            code == ErrorCode.INVALID_ARGUMENT)
        {
            if (refused.add(brokerName))
            {
                LOG.warn("group watch refused, not retried (rebalancing on the interval only): group={}, broker={}, " +
                    "code={}, error={}", group, brokerName, code, error.getMessage());
            }
            return;
        }
        LOG.warn("watching a consumer group failed, will retry: group={}, broker={}, error={}", group, brokerName,
            error.toString());
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

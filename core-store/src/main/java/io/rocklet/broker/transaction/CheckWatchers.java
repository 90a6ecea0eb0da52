package io.rocklet.broker.transaction;

import io.rocklet.api.spi.BrokerService.TransactionCheck;
import io.rocklet.api.spi.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The live producers of each producer group that answer check-backs ({@code BrokerService.watchTransactionChecks}):
 * a producer is live while its watch is open (the local transport's direct registration, a gRPC stream). Each check
 * goes to one of them, round robin. Thread-safe.
 */
final class CheckWatchers
{
    private static final Logger LOG = LoggerFactory.getLogger(CheckWatchers.class);

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Watcher>> watchers = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    /** One producer's registration. */
    private record Watcher(String clientId, Consumer<TransactionCheck> listener)
    {
    }

    Subscription watch(final String group, final String clientId, final Consumer<TransactionCheck> listener)
    {
        final Watcher watcher = new Watcher(clientId, listener);
        watchers.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(watcher);
        LOG.info("transaction checks watched: producerGroup={}, clientId={}", group, clientId);
        return () ->
        {
            final CopyOnWriteArrayList<Watcher> list = watchers.get(group);
            if (list != null && list.remove(watcher))
            {
                LOG.info("transaction checks no longer watched: producerGroup={}, clientId={}", group, clientId);
            }
        };
    }

    /**
     * @return true when the group has a live producer now.
     */
    boolean hasWatcher(final String group)
    {
        final List<Watcher> list = watchers.get(group);
        return list != null && !list.isEmpty();
    }

    /**
     * Hands {@code check} to one live producer of its group.
     *
     * @return false when the group has none.
     */
    boolean ask(final TransactionCheck check)
    {
        final List<Watcher> list = watchers.get(check.producerGroup());
        if (list == null || list.isEmpty())
        {
            return false;
        }
        final Watcher watcher;
        try
        {
            watcher = list.get(Math.floorMod(next.getAndIncrement(), list.size()));
        }
        catch (final IndexOutOfBoundsException e)
        {
            return false; // the last one left meanwhile
        }
        try
        {
            watcher.listener().accept(check);
        }
        catch (final RuntimeException e)
        {
            LOG.warn("transaction check not delivered: producerGroup={}, clientId={}, messageId={}, error={}",
                check.producerGroup(), watcher.clientId(), check.messageId(), e.toString());
        }
        return true;
    }
}

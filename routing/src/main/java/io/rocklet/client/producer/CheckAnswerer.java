package io.rocklet.client.producer;

import io.rocklet.api.RockletException;
import io.rocklet.api.TransactionChecker;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.TransactionCheck;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.api.spi.Subscription;
import io.rocklet.client.internal.DefaultClientContext;
import io.rocklet.client.internal.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A transactional producer's answers to check-backs: it watches its group's checks
 * ({@code BrokerService.watchTransactionChecks}) on the master of every broker a router's cluster information names
 * (at start, before the producer is handed out; every heartbeat interval; and on the broker of each half message
 * sent), runs the
 * {@link TransactionChecker} on its own thread ({@code rocklet-txn-checker-<group>}, one check at a time) and answers
 * COMMIT or ROLLBACK with {@code endTransaction} (fromCheck) to the broker that asked; UNKNOWN, or a checker that
 * throws (logged), is not answered, so the broker asks again at its next check. Thread-safe; close is idempotent.
 */
final class CheckAnswerer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(CheckAnswerer.class);

    private final DefaultClientContext context;
    private final String group;
    private final TransactionChecker checker;
    private final ExecutorService thread;
    /** Broker name to its watched stub and the watch. */
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> refresher;
    private volatile boolean closed;

    private record Watch(BrokerService broker, Subscription subscription)
    {
    }

    CheckAnswerer(final DefaultClientContext context, final String group, final TransactionChecker checker)
    {
        this.context = context;
        this.group = group;
        this.checker = checker;
        this.thread = Executors.newSingleThreadExecutor(task ->
        {
            final Thread t = new Thread(task, "rocklet-txn-checker-" + group);
            t.setDaemon(true);
            return t;
        });
        watchAll();
        final long intervalMs = context.config().heartbeatInterval().toMillis();
        this.refresher = context.scheduler().scheduleWithFixedDelay(this::refresh, intervalMs, intervalMs,
            TimeUnit.MILLISECONDS);
    }

    /**
     * At start: watches every broker a router knows before the producer is handed out (within the request timeout;
     * a failure is logged and left to the periodic refresh).
     */
    private void watchAll()
    {
        try
        {
            final ClusterInfo info = Futures.await(Futures.within(context.routers().clusterInfo(),
                context.config().requestTimeout().toNanos(), () -> "list brokers: producerGroup=" + group),
                "list brokers to watch transaction checks: producerGroup=" + group);
            watch(info);
        }
        catch (final RockletException e)
        {
            LOG.warn("cannot list brokers to watch transaction checks, will retry: producerGroup={}, error={}", group,
                e.toString());
        }
    }

    /**
     * Watches the checks of the broker a half message went to, unless watched already.
     */
    void watch(final String brokerName)
    {
        try
        {
            watch(brokerName, context.broker(brokerName));
        }
        catch (final RockletException e)
        {
            LOG.warn("cannot watch transaction checks, will retry: producerGroup={}, broker={}, error={}", group,
                brokerName, e.toString());
        }
    }

    /**
     * Watches every broker master of the cluster information of a router.
     */
    void refresh()
    {
        if (closed)
        {
            return;
        }
        context.routers().clusterInfo().whenComplete((info, error) ->
        {
            if (error != null)
            {
                LOG.debug("cannot list brokers to watch transaction checks: producerGroup={}, error={}", group,
                    Futures.unwrap(error).toString());
                return;
            }
            watch(info);
        });
    }

    private void watch(final ClusterInfo info)
    {
        for (final BrokerRoute broker : info.brokers().values())
        {
            if (broker.masterAddress() != null)
            {
                watch(broker.brokerName(), context.brokerAt(broker.masterAddress()));
            }
        }
    }

    private synchronized void watch(final String brokerName, final BrokerService broker)
    {
        final Watch current = watches.get(brokerName);
        if (closed || (current != null && current.broker() == broker))
        {
            return;
        }
        try
        {
            final Subscription subscription = broker.watchTransactionChecks(group, context.clientId(),
                check -> onCheck(broker, check));
            watches.put(brokerName, new Watch(broker, subscription));
            if (current != null)
            {
                current.subscription().close(); // the broker's master moved
            }
        }
        catch (final RockletException e)
        {
            LOG.warn("cannot watch transaction checks, will retry: producerGroup={}, broker={}, error={}", group,
                brokerName, e.toString());
        }
    }

    private void onCheck(final BrokerService broker, final TransactionCheck check)
    {
        try
        {
            thread.execute(() -> answer(broker, check));
        }
        catch (final RejectedExecutionException e)
        {
            LOG.debug("transaction check ignored, producer closed: producerGroup={}, messageId={}", group,
                check.messageId());
        }
    }

    private void answer(final BrokerService broker, final TransactionCheck check)
    {
        TransactionResolution resolution;
        try
        {
            resolution = checker.check(check.message(), check.messageId());
        }
        catch (final RuntimeException e)
        {
            LOG.warn("transaction checker failed, answered as UNKNOWN: producerGroup={}, topic={}, messageId={}, " +
                "error={}", group, check.message().topic(), check.messageId(), e.toString(), e);
            resolution = TransactionResolution.UNKNOWN;
        }
        if (resolution == null || resolution == TransactionResolution.UNKNOWN)
        {
            return;
        }
        final TransactionResolution answered = resolution;
        Futures.call(() -> broker.endTransaction(new EndTransactionRequest(group, check.message().topic(),
            check.messageId(), check.halfOffset(), answered, true))).whenComplete((status, error) ->
        {
            if (error != null)
            {
                LOG.warn("answer to a transaction check failed: producerGroup={}, messageId={}, resolution={}, " +
                    "error={}", group, check.messageId(), answered, Futures.unwrap(error).toString());
            }
            else
            {
                LOG.debug("transaction check answered: producerGroup={}, messageId={}, resolution={}, status={}",
                    group, check.messageId(), answered, status);
            }
        });
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        refresher.cancel(false);
        for (final Watch watch : watches.values())
        {
            try
            {
                watch.subscription().close();
            }
            catch (final RuntimeException e)
            {
                LOG.debug("closing a transaction check watch failed: producerGroup={}, error={}", group,
                    e.toString());
            }
        }
        watches.clear();
        thread.shutdown();
    }
}

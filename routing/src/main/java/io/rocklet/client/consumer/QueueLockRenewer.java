package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.spi.BrokerService.LockRequest;
import io.rocklet.api.spi.BrokerService.QueueRef;
import io.rocklet.client.internal.ClientContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Holds the broker locks of a clustering consumer's queues: takes a queue's lock before the queue
 * starts (retrying while another member still holds it), renews the locks of every held queue every
 * 20 s (one request per broker) and releases a queue's lock when the queue is lost, after its offset is
 * committed. So a member gaining a queue reads the offset the previous holder committed when it let go.
 * Orderly consumers wait for the lock as long as it takes and consume only while they hold it (a queue
 * whose renewal is refused, or not renewed for {@link ProcessQueue#LOCK_VALID_NANOS}, stops until its
 * lock is back); concurrent consumers wait a bounded time, then go on without it. Lock state lives in
 * the {@link ProcessQueue}s. Thread-safe.
 */
final class QueueLockRenewer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(QueueLockRenewer.class);
    static final long RENEW_INTERVAL_MS = 20_000;
    private static final long FIRST_RETRY_MS = 100;
    private static final long MAX_RETRY_MS = 1000;

    private final ClientContext context;
    private final BrokerCalls brokers;
    private final ClientExecutor timers;
    private final String group;
    private final Supplier<Collection<ProcessQueue>> held;
    private ScheduledFuture<?> renewal;

    /**
     * @param held the queues whose locks to keep (the consumer's current queues).
     */
    QueueLockRenewer(final ClientContext context, final BrokerCalls brokers, final ClientExecutor timers,
        final String group, final Supplier<Collection<ProcessQueue>> held)
    {
        this.context = context;
        this.brokers = brokers;
        this.timers = timers;
        this.group = group;
        this.held = held;
    }

    synchronized void start()
    {
        if (renewal == null)
        {
            renewal = timers.every(this::renewAll, RENEW_INTERVAL_MS);
        }
    }

    /**
     * Stops renewing (locks already held stay until released or expired). Idempotent.
     */
    @Override
    public synchronized void close()
    {
        ClientExecutor.cancel(renewal);
    }

    /**
     * Asks for one queue's lock and records the answer in it.
     *
     * @return whether this client holds the lock now.
     */
    CompletableFuture<Boolean> lock(final ProcessQueue queue)
    {
        final MessageQueue mq = queue.queue();
        final LockRequest request = new LockRequest(group, context.clientId(),
            List.of(new QueueRef(mq.topic(), mq.queueId())));
        return brokers.call(mq.brokerName(), "lockQueues", broker -> broker.lockQueues(request))
            .handle((granted, error) -> onLockAnswer(queue, request, granted, error));
    }

    private boolean onLockAnswer(final ProcessQueue queue, final LockRequest request, final List<QueueRef> granted,
        final Throwable error)
    {
        if (error != null)
        {
            LOG.debug("locking a queue failed: group={}, queue={}, error={}", group, queue.queue(),
                Futures.unwrap(error).toString());
            return false;
        }
        final boolean locked = granted.contains(request.queues().get(0));
        queue.markLocked(locked, System.nanoTime());
        return locked;
    }

    /**
     * Takes a queue's lock, retrying (100 ms, doubling up to 1 s) while another member holds it.
     *
     * @param giveUpMs  after this long without the lock, complete anyway (a concurrent consumer uses the lock
     *                  only to order the hand-over); {@link Long#MAX_VALUE} to wait as long as it takes.
     * @param onRefused called once, when the first attempt does not get the lock.
     * @return completes with true once locked, false when given up; fails when the queue is dropped first.
     */
    CompletableFuture<Boolean> acquire(final ProcessQueue queue, final long giveUpMs, final Runnable onRefused)
    {
        final CompletableFuture<Boolean> acquired = new CompletableFuture<>();
        final long deadlineNanos = giveUpMs == Long.MAX_VALUE ? Long.MAX_VALUE :
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(giveUpMs);
        attempt(queue, acquired, onRefused, FIRST_RETRY_MS, deadlineNanos);
        return acquired;
    }

    private void attempt(final ProcessQueue queue, final CompletableFuture<Boolean> acquired, final Runnable onRefused,
        final long retryMs, final long deadlineNanos)
    {
        if (queue.dropped())
        {
            acquired.completeExceptionally(new IllegalStateException("queue dropped before its lock: queue=" +
                queue.queue()));
            return;
        }
        lock(queue).thenAccept(locked ->
        {
            if (locked)
            {
                acquired.complete(true);
                return;
            }
            if (onRefused != null)
            {
                onRefused.run();
            }
            if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0)
            {
                acquired.complete(false);
                return;
            }
            timers.schedule(() -> attempt(queue, acquired, null, Math.min(retryMs * 2, MAX_RETRY_MS),
                deadlineNanos), retryMs);
        });
    }

    /**
     * Renews the lock of every held queue, one request per broker.
     */
    void renewAll()
    {
        final Map<String, List<ProcessQueue>> byBroker = new TreeMap<>();
        for (final ProcessQueue queue : held.get())
        {
            byBroker.computeIfAbsent(queue.queue().brokerName(), name -> new ArrayList<>()).add(queue);
        }
        for (final Map.Entry<String, List<ProcessQueue>> entry : byBroker.entrySet())
        {
            final List<ProcessQueue> queues = entry.getValue();
            final List<QueueRef> refs = new ArrayList<>(queues.size());
            for (final ProcessQueue queue : queues)
            {
                refs.add(new QueueRef(queue.queue().topic(), queue.queue().queueId()));
            }
            final LockRequest request = new LockRequest(group, context.clientId(), refs);
            final long now = System.nanoTime();
            brokers.call(entry.getKey(), "lockQueues", broker -> broker.lockQueues(request)).whenComplete(
                (granted, error) ->
            {
                if (error != null)
                {
                    LOG.warn("renewing queue locks failed: group={}, broker={}, queues={}, error={}", group,
                        entry.getKey(), refs.size(), Futures.unwrap(error).toString());
                    return;
                }
                final Set<QueueRef> grantedSet = new HashSet<>(granted);
                for (int i = 0; i < queues.size(); i++)
                {
                    queues.get(i).markLocked(grantedSet.contains(refs.get(i)), now);
                }
            });
        }
    }

    /**
     * Releases the locks of {@code queues}.
     */
    CompletableFuture<Void> unlock(final Collection<MessageQueue> queues)
    {
        final Map<String, List<QueueRef>> byBroker = new TreeMap<>();
        for (final MessageQueue queue : queues)
        {
            byBroker.computeIfAbsent(queue.brokerName(), name -> new ArrayList<>())
                .add(new QueueRef(queue.topic(), queue.queueId()));
        }
        final List<CompletableFuture<Void>> unlocks = new ArrayList<>(byBroker.size());
        for (final Map.Entry<String, List<QueueRef>> entry : byBroker.entrySet())
        {
            final LockRequest request = new LockRequest(group, context.clientId(), entry.getValue());
            unlocks.add(brokers.call(entry.getKey(), "unlockQueues", broker -> broker.unlockQueues(request)));
        }
        return CompletableFuture.allOf(unlocks.toArray(new CompletableFuture<?>[0]));
    }
}

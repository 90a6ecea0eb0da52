package io.rocklet.client.consumer;

import io.rocklet.api.PushConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Orderly consumption: per queue, one batch at a time, in offset order, on the consume pool (a queue
 * never has two listener calls at once; different queues run in parallel). Each queue has at most one
 * task, started when messages arrive and ending when none are held; it re-submits itself after each
 * batch so that queues share the threads fairly.
 *
 * <ul>
 *   <li>Clustering: a batch runs only while this member holds the queue's broker lock
 *       ({@link ProcessQueue#lockValid}); without it the task asks for the lock and waits (1 s between
 *       attempts).</li>
 *   <li>A failed batch (RECONSUME_LATER or a throw) is retried in place after {@code suspendTime}, keeping
 *       every later message of the queue waiting; after {@code maxReconsumeTimes} retries it is sent to the
 *       dead-letter topic through the broker and the queue moves on. If that send fails the batch stays in
 *       place and is retried again: nothing is skipped.</li>
 * </ul>
 * State lives in the {@link ProcessQueue}s (the retry batch belongs to the queue's single task).
 */
final class OrderlyConsumeService implements ConsumeService
{
    private static final Logger LOG = LoggerFactory.getLogger(OrderlyConsumeService.class);
    private static final long LOCK_RETRY_MS = 1000;

    private final ConsumePool pool;
    private final ClientExecutor timers;
    private final ListenerInvoker listener;
    private final Redelivery redelivery;
    private final QueueLockRenewer locks;
    private final int batchSize;
    private final int maxReconsumeTimes;
    private final long suspendMs;

    /**
     * @param locks the lock holder (clustering), or null when queues need no lock (broadcasting).
     */
    OrderlyConsumeService(final PushConsumerConfig config, final ConsumePool pool, final ClientExecutor timers,
        final ListenerInvoker listener, final Redelivery redelivery, final QueueLockRenewer locks)
    {
        this.pool = pool;
        this.timers = timers;
        this.listener = listener;
        this.redelivery = redelivery;
        this.locks = locks;
        this.batchSize = config.consumeBatchSize();
        this.maxReconsumeTimes = config.maxReconsumeTimes();
        this.suspendMs = config.suspendTime().toMillis();
    }

    /**
     * Orderly calls are not given up (as in RocketMQ): skipping a message would break the queue's order, so a
     * stuck orderly listener holds its queue back.
     */
    @Override
    public int expireOverdue(final long nowNanos)
    {
        return 0;
    }

    @Override
    public void submit(final ProcessQueue queue, final List<ReceivedMessageImpl> messages)
    {
        if (queue.tryStartConsuming())
        {
            resume(queue);
        }
    }

    private void resume(final ProcessQueue queue)
    {
        pool.execute(() -> consumeOne(queue));
    }

    private void resumeLater(final ProcessQueue queue, final long delayMs)
    {
        timers.schedule(() -> resume(queue), delayMs);
    }

    private void next(final ProcessQueue queue)
    {
        if (queue.continueOrStop())
        {
            resume(queue);
        }
    }

    private void consumeOne(final ProcessQueue queue)
    {
        if (!queue.tryBeginCall())
        {
            queue.stopConsuming();
            return;
        }
        if (locks != null && !queue.lockValid(System.nanoTime()))
        {
            queue.endCall();
            locks.lock(queue).whenComplete((held, error) ->
                resumeLater(queue, Boolean.TRUE.equals(held) ? 0 : LOCK_RETRY_MS));
            return;
        }
        final List<ReceivedMessageImpl> retry = queue.retryBatch();
        final List<ReceivedMessageImpl> batch = retry != null ? retry : queue.firstMessages(batchSize);
        if (batch.isEmpty())
        {
            queue.endCall();
            next(queue);
            return;
        }
        if (listener.consume(batch))
        {
            finish(queue, batch);
            return;
        }
        if (attempts(batch) < maxReconsumeTimes)
        {
            retryInPlace(queue, batch);
            return;
        }
        deadLetter(queue, batch);
    }

    private void finish(final ProcessQueue queue, final List<ReceivedMessageImpl> batch)
    {
        queue.remove(batch);
        queue.retryBatch(null);
        queue.endCall();
        next(queue);
    }

    private void retryInPlace(final ProcessQueue queue, final List<ReceivedMessageImpl> batch)
    {
        for (final ReceivedMessageImpl message : batch)
        {
            message.countLocalAttempt();
        }
        queue.retryBatch(batch);
        queue.endCall();
        resumeLater(queue, suspendMs);
    }

    private void deadLetter(final ProcessQueue queue, final List<ReceivedMessageImpl> batch)
    {
        final List<CompletableFuture<Void>> sends = new ArrayList<>(batch.size());
        for (final ReceivedMessageImpl message : batch)
        {
            sends.add(redelivery.deadLetter(message));
        }
        CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).whenComplete((done, error) ->
        {
            final List<ReceivedMessageImpl> sent = new ArrayList<>(batch.size());
            final List<ReceivedMessageImpl> unsent = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++)
            {
                (sends.get(i).isCompletedExceptionally() ? unsent : sent).add(batch.get(i));
            }
            if (unsent.isEmpty())
            {
                finish(queue, batch);
                return;
            }
            LOG.warn("dead-lettering a failed batch failed, retrying it in place: queue={}, offset={}, " +
                "messages={}, error={}", queue.queue(), unsent.get(0).queueOffset(), unsent.size(),
                Futures.unwrap(error).toString());
            queue.remove(sent);
            retryInPlace(queue, List.copyOf(unsent));
        });
    }

    private static int attempts(final List<ReceivedMessageImpl> batch)
    {
        int attempts = 0;
        for (final ReceivedMessageImpl message : batch)
        {
            attempts = Math.max(attempts, message.localAttempts());
        }
        return attempts;
    }
}

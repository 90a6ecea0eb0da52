package io.rocklet.client.consumer;

import io.rocklet.api.MessageModel;
import io.rocklet.api.PushConsumerConfig;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent consumption: the messages of a pull are split into listener calls of up to
 * {@code consumeBatchSize} messages, run by at most {@code consumeThreads} tasks on the consume pool (each
 * task makes its share of the calls one after another, so a pull of 32 single-message calls costs a few
 * tasks, not 32), so several calls (of one queue or many) run at once. A task takes
 * its messages when it runs ({@link ProcessQueue#beginNextBatch}), lowest offsets first, so that the calls of
 * a queue begin in offset order even when consume threads overtake each other: a queue lost in rebalance then
 * leaves no consumed message above its committed offset.
 *
 * <ul>
 *   <li>SUCCESS: the batch leaves its {@link ProcessQueue}; the queue's committable offset moves past it
 *       once every lower offset is finished too.</li>
 *   <li>Failure, clustering: each message is sent back to its broker (retry topic, broker's back-off, DLQ
 *       after {@code maxReconsumeTimes}); when that is acknowledged the message is done. When sending back
 *       fails, the message is consumed again here after {@code suspendTime}; it is never dropped.</li>
 *   <li>Failure, broadcasting (a retry topic would reach every member): the message is consumed again here
 *       after {@code suspendTime}, up to {@code maxReconsumeTimes} times, then sent to the dead-letter
 *       topic.</li>
 * </ul>
 * The listener call stays counted as in progress until the send-backs are answered, so a queue lost in
 * rebalance commits its offset after them.
 *
 * <p>Consume timeout: a call that has run for {@code consumeTimeout} (on the client's clock) is given up by
 * {@link #expireOverdue}: its messages are handled as failed at once (sent back, so the queue's offset moves past
 * them), and whatever the call answers when it returns at last is ignored. Its thread stays busy, and the call
 * counted as in progress, until the listener returns. State: the calls in progress (a concurrent set), each
 * settled once, by its end or by the timeout, whichever comes first.
 */
final class ConcurrentConsumeService implements ConsumeService
{
    private static final Logger LOG = LoggerFactory.getLogger(ConcurrentConsumeService.class);

    private final ConsumePool pool;
    private final ClientExecutor timers;
    private final ListenerInvoker listener;
    private final Redelivery redelivery;
    private final int batchSize;
    private final int threads;
    private final int maxReconsumeTimes;
    private final long suspendMs;
    private final boolean broadcasting;
    private final String group;
    private final NanoClock clock;
    private final long timeoutNanos;
    private final Set<Call> calls = ConcurrentHashMap.newKeySet();

    /** A listener call in progress; its flag "settled" is the object itself (one allocation per call, not two). */
    private static final class Call extends AtomicBoolean
    {
        final ProcessQueue queue;
        final List<ReceivedMessageImpl> batch;
        final long startNanos;

        Call(final ProcessQueue queue, final List<ReceivedMessageImpl> batch, final long startNanos)
        {
            this.queue = queue;
            this.batch = batch;
            this.startNanos = startNanos;
        }
    }

    /**
     * @param clock measures how long listener calls run (the client's clock).
     */
    ConcurrentConsumeService(final PushConsumerConfig config, final ConsumePool pool, final ClientExecutor timers,
        final ListenerInvoker listener, final Redelivery redelivery, final NanoClock clock)
    {
        this.group = config.group();
        this.clock = clock;
        this.timeoutNanos = config.consumeTimeout().toNanos();
        this.pool = pool;
        this.timers = timers;
        this.listener = listener;
        this.redelivery = redelivery;
        this.batchSize = config.consumeBatchSize();
        this.threads = config.consumeThreads();
        this.maxReconsumeTimes = config.maxReconsumeTimes();
        this.suspendMs = config.suspendTime().toMillis();
        this.broadcasting = config.messageModel() == MessageModel.BROADCASTING;
    }

    @Override
    public void submit(final ProcessQueue queue, final List<ReceivedMessageImpl> messages)
    {
        if (messages.isEmpty())
        {
            return;
        }
        final int calls = (messages.size() + batchSize - 1) / batchSize;
        final int tasks = Math.min(calls, threads);
        final int callsPerTask = (calls + tasks - 1) / tasks;
        for (int i = 0; i < tasks; i++)
        {
            pool.execute(() -> consumeNext(queue, callsPerTask));
        }
    }

    /**
     * Makes up to {@code calls} listener calls of the queue's next messages, stopping early when none are left.
     */
    private void consumeNext(final ProcessQueue queue, final int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            final List<ReceivedMessageImpl> batch = queue.beginNextBatch(batchSize);
            if (batch.isEmpty())
            {
                return;
            }
            consumeBegun(queue, batch);
        }
    }

    /**
     * Consumes one message again after a failure (a local retry), unless the queue was dropped meanwhile: then it is
     * held still, and the next holder of the queue starts at it.
     */
    private void consumeAgain(final ProcessQueue queue, final ReceivedMessageImpl message)
    {
        if (queue.tryBeginCall())
        {
            consumeBegun(queue, List.of(message));
        }
    }

    @Override
    public int expireOverdue(final long nowNanos)
    {
        int expired = 0;
        for (final Call call : calls)
        {
            if (nowNanos - call.startNanos >= timeoutNanos && call.compareAndSet(false, true))
            {
                calls.remove(call);
                expired++;
                LOG.warn("listener call timed out, sending its messages back: group={}, queue={}, firstOffset={}, " +
                    "messages={}, consumeTimeoutMs={}", group, call.queue.queue(), call.batch.get(0).queueOffset(),
                    call.batch.size(), TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                for (final ReceivedMessageImpl message : call.batch)
                {
                    onFailed(call.queue, message);
                }
            }
        }
        return expired;
    }

    private void consumeBegun(final ProcessQueue queue, final List<ReceivedMessageImpl> batch)
    {
        final Call call = new Call(queue, batch, clock.nanoTime());
        calls.add(call);
        final boolean succeeded;
        try
        {
            succeeded = listener.consume(batch);
        }
        finally
        {
            calls.remove(call);
        }
        if (!call.compareAndSet(false, true))
        {
            queue.endCall(); // given up by the consume timeout: its messages were handled as failed then
            return;
        }
        if (succeeded)
        {
            queue.remove(batch);
            queue.endCall();
            return;
        }
        final List<CompletableFuture<Void>> outcomes = new ArrayList<>(batch.size());
        for (final ReceivedMessageImpl message : batch)
        {
            outcomes.add(onFailed(queue, message));
        }
        CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0])).whenComplete((done, error) ->
            queue.endCall());
    }

    private CompletableFuture<Void> onFailed(final ProcessQueue queue, final ReceivedMessageImpl message)
    {
        final CompletableFuture<Void> sent;
        if (!broadcasting)
        {
            sent = redelivery.sendBack(message, maxReconsumeTimes);
        }
        else if (message.localAttempts() < maxReconsumeTimes)
        {
            retryLocally(queue, message);
            return Futures.done();
        }
        else
        {
            sent = redelivery.deadLetter(message);
        }
        return sent.handle((done, error) ->
        {
            if (error == null)
            {
                queue.remove(List.of(message));
            }
            else
            {
                LOG.warn("sending a failed message back failed, consuming it again here: queue={}, offset={}, " +
                    "error={}", message.queue(), message.queueOffset(), Futures.unwrap(error).toString());
                retryLocally(queue, message);
            }
            return null;
        });
    }

    private void retryLocally(final ProcessQueue queue, final ReceivedMessageImpl message)
    {
        message.countLocalAttempt();
        timers.schedule(() -> pool.execute(() -> consumeAgain(queue, message)), suspendMs);
    }
}

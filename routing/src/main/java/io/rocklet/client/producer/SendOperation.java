package io.rocklet.client.producer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.client.internal.Futures;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One send and its retries. Attempts run one after another, each started by the completion of the one
 * before (so the fields need no lock: completion orders them). Each attempt gets the request timeout or
 * what is left of the send timeout, whichever is less. A retry goes at once to a broker that has not failed this
 * send; when every broker of the topic has, it waits first ({@value #FIRST_BACKOFF_MS} ms, doubling, at most
 * {@value #MAX_BACKOFF_MS} ms, never past the send's deadline), so that a broker that is busy or failing over is
 * not asked again at once.
 */
final class SendOperation<R>
{
    static final long FIRST_BACKOFF_MS = 50;
    static final long MAX_BACKOFF_MS = 1000;

    private final Sender sender;
    private final String topic;
    private final SendTargets targets;
    private final Sender.Picker picker;
    private final int maxAttempts;
    private final Sender.Attempt<R> attempt;
    private final long deadlineNs;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    /** The brokers that failed this send, the latest last; allocated on the first failure (most sends have none). */
    private Set<String> failedBrokers = Set.of();
    private int attempts;
    private RockletException lastError;

    SendOperation(final Sender sender, final String topic, final SendTargets targets, final Sender.Picker picker,
        final int maxAttempts, final Sender.Attempt<R> attempt, final long deadlineNs)
    {
        this.sender = sender;
        this.topic = topic;
        this.targets = targets;
        this.picker = picker;
        this.maxAttempts = maxAttempts;
        this.attempt = attempt;
        this.deadlineNs = deadlineNs;
    }

    /**
     * @param nowNs the time the send started (saves a clock read on the first attempt).
     */
    CompletableFuture<R> start(final long nowNs)
    {
        next(nowNs);
        return result;
    }

    private void next()
    {
        next(sender.nanoTime());
    }

    private void next(final long nowNs)
    {
        final long remainingNs = deadlineNs - nowNs;
        if (remainingNs <= 0)
        {
            result.completeExceptionally(sender.timedOut(topic, attempts, lastError));
            return;
        }
        final MessageQueue queue;
        try
        {
            queue = picker.pick(targets.queues(), failedBrokers);
        }
        catch (final RockletException e)
        {
            result.completeExceptionally(e);
            return;
        }
        catch (final RuntimeException e)
        {
            result.completeExceptionally(new InvalidArgumentException("queue selector failed: topic=" + topic +
                ", error=" + e));
            return;
        }
        attempts++;
        final BrokerService broker;
        try
        {
            broker = targets.brokers().apply(queue.brokerName());
        }
        catch (final RuntimeException e)
        {
            onFailure(queue, e);
            return;
        }
        final CompletableFuture<R> answer = Futures.call(() -> attempt.send(broker, queue));
        if (answer.isDone() && !answer.isCompletedExceptionally())
        {
            onSuccess(queue, answer.join()); // answered in the call (the local transport): no timer, no stage
            return;
        }
        final long timeoutNs = Math.min(sender.requestTimeoutNs(), remainingNs);
        Futures.within(answer, timeoutNs, () -> "send: topic=" + topic + ", queue=" + queue)
            .whenComplete((value, error) ->
            {
                if (error == null)
                {
                    onSuccess(queue, value);
                }
                else
                {
                    onFailure(queue, error);
                }
            });
    }

    private void onSuccess(final MessageQueue queue, final R value)
    {
        sender.faults().succeeded(queue.brokerName());
        result.complete(value);
    }

    private void onFailure(final MessageQueue queue, final Throwable error)
    {
        final RockletException failure = Futures.toRockletException(error, "send: topic=" + topic);
        lastError = failure;
        sender.invalidateRoute(topic);
        if (failure.retriable())
        {
            sender.faults().failed(queue.brokerName());
            if (failedBrokers.isEmpty())
            {
                failedBrokers = new LinkedHashSet<>();
            }
            failedBrokers.remove(queue.brokerName());
            failedBrokers.add(queue.brokerName());
            if (attempts < maxAttempts)
            {
                final long backoffNs = backoffNs();
                if (backoffNs == 0)
                {
                    next();
                }
                else
                {
                    sender.schedule(this::next, backoffNs);
                }
                return;
            }
        }
        result.completeExceptionally(finalError(failure, queue));
    }

    /**
     * @return 0 when a broker of the topic has not failed this send, else how long to wait before asking again.
     */
    private long backoffNs()
    {
        for (final MessageQueue queue : targets.queues())
        {
            if (!failedBrokers.contains(queue.brokerName()))
            {
                return 0;
            }
        }
        final long backoffMs = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempts - 1, 10));
        return Math.max(0, Math.min(TimeUnit.MILLISECONDS.toNanos(backoffMs), deadlineNs - sender.nanoTime()));
    }

    /**
     * Keeps a specific exception type (callers may catch it) and otherwise adds the send's context.
     */
    private RockletException finalError(final RockletException failure, final MessageQueue queue)
    {
        if (failure.getClass() != RockletException.class)
        {
            return failure;
        }
        if (failure.errorCode() == ErrorCode.TIMEOUT && deadlineNs - sender.nanoTime() <= 0)
        {
            return sender.timedOut(topic, attempts, failure);
        }
        return new RockletException(failure.errorCode(), "send failed: topic=" + topic + ", queue=" + queue +
            ", attempts=" + attempts + ", failedBrokers=" + failedBrokers + (targets.fallback() ?
            ", newTopic=true" : "") + ", error=" + failure.getMessage(), failure);
    }
}

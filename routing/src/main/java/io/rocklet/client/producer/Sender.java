package io.rocklet.client.producer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.client.internal.DefaultClientContext;
import io.rocklet.client.internal.Futures;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs sends: resolves the topic's writable queues (from the route, or, for a topic no router knows, a
 * template on every known broker so that the broker can create it), picks a queue, sends, and retries a
 * retriable failure on another broker while attempts and the send timeout last. Non-blocking throughout.
 * Thread-safe; each send's state lives in its own {@link SendOperation}.
 */
final class Sender
{
    private final DefaultClientContext context;
    private final NanoClock clock;
    private final BrokerFaults faults;
    private final long sendTimeoutNs;
    private final long requestTimeoutNs;
    private final Function<String, BrokerService> brokers;
    /** The targets of the last route seen (any topic); reused while the route cache hands out the same route. */
    private volatile RouteTargets lastTargets;

    /** Targets computed from one route object. */
    private record RouteTargets(TopicRoute route, SendTargets targets)
    {
    }

    Sender(final DefaultClientContext context, final ProducerConfig config, final BrokerFaults faults,
        final NanoClock clock)
    {
        this.context = context;
        this.clock = clock;
        this.faults = faults;
        this.sendTimeoutNs = config.sendTimeout().toNanos();
        this.requestTimeoutNs = context.config().requestTimeout().toNanos();
        this.brokers = context::broker;
    }

    /**
     * One request to one queue's broker.
     */
    @FunctionalInterface
    interface Attempt<R>
    {
        CompletableFuture<R> send(BrokerService broker, MessageQueue queue);
    }

    /**
     * Chooses the queue of an attempt.
     */
    @FunctionalInterface
    interface Picker
    {
        /**
         * @param queues   the writable queues, not empty.
         * @param excluded brokers that failed earlier in this send, in the order they failed (last at the end).
         */
        MessageQueue pick(List<MessageQueue> queues, Set<String> excluded);
    }

    /**
     * @param maxAttempts 1 + retries; retries go to another broker when there is one.
     * @return the answer of the first successful attempt, or the error of the last one.
     */
    <R> CompletableFuture<R> send(final String topic, final Picker picker, final int maxAttempts,
        final Attempt<R> attempt)
    {
        final long startNs = clock.nanoTime();
        final long deadlineNs = startNs + sendTimeoutNs;
        final CompletableFuture<SendTargets> targets = targets(topic, deadlineNs, startNs);
        if (targets.isDone() && !targets.isCompletedExceptionally())
        {
            // the route was cached: no stage to compose (a sync send answered in the call allocates less)
            return new SendOperation<>(this, topic, targets.join(), picker, maxAttempts, attempt, deadlineNs)
                .start(startNs);
        }
        return targets.thenCompose(found ->
            new SendOperation<>(this, topic, found, picker, maxAttempts, attempt, deadlineNs).start(startNs));
    }

    long nanoTime()
    {
        return clock.nanoTime();
    }

    long requestTimeoutNs()
    {
        return requestTimeoutNs;
    }

    long sendTimeoutNs()
    {
        return sendTimeoutNs;
    }

    BrokerFaults faults()
    {
        return faults;
    }

    void invalidateRoute(final String topic)
    {
        context.invalidateRoute(topic);
    }

    /**
     * Runs {@code task} on the client's scheduler after {@code delayNs}; at once when the scheduler is closed (the
     * task then fails as the client does).
     */
    void schedule(final Runnable task, final long delayNs)
    {
        try
        {
            context.scheduler().schedule(task, delayNs, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException e)
        {
            task.run();
        }
    }

    private CompletableFuture<SendTargets> targets(final String topic, final long deadlineNs, final long nowNs)
    {
        final CompletableFuture<TopicRoute> cached = context.route(topic);
        if (cached.isDone() && !cached.isCompletedExceptionally())
        {
            try
            {
                return CompletableFuture.completedFuture(routeTargets(topic, cached.join()));
            }
            catch (final RuntimeException e)
            {
                return CompletableFuture.failedFuture(e);
            }
        }
        return Futures.within(context.route(topic), deadlineNs - nowNs, () -> "route: topic=" + topic)
            .handle((route, error) ->
            {
                if (error == null)
                {
                    return CompletableFuture.completedFuture(routeTargets(topic, route));
                }
                if (Futures.errorCode(error) == ErrorCode.TOPIC_NOT_FOUND)
                {
                    return fallbackTargets(topic, deadlineNs);
                }
                return CompletableFuture.<SendTargets>failedFuture(Futures.toRockletException(error,
                    "route: topic=" + topic));
            }).thenCompose(future -> future);
    }

    private SendTargets routeTargets(final String topic, final TopicRoute route)
    {
        final RouteTargets last = lastTargets;
        if (last != null && last.route() == route)
        {
            return last.targets();
        }
        final List<MessageQueue> queues = context.writeQueues(route);
        if (queues.isEmpty())
        {
            final boolean anyWritable = route.queues().stream()
                .anyMatch(queue -> (queue.permission() & TopicConfig.PERM_WRITE) != 0);
            if (anyWritable)
            {
                // a replica set between masters (failover): the next send asks the routers again, not in 30 s
                context.invalidateRoute(topic);
            }
            throw anyWritable ?
                new RockletException(ErrorCode.NO_ROUTE, "no master for a writable queue: topic=" + topic +
                    ", brokers=" + route.queues().stream().map(QueueRoute::brokerName).toList()) :
                new RockletException(ErrorCode.PERMISSION_DENIED, "topic not writable: topic=" + topic +
                    ", brokers=" + route.queues().stream().map(QueueRoute::brokerName).toList());
        }
        final SendTargets targets = new SendTargets(queues, brokers, false);
        lastTargets = new RouteTargets(route, targets);
        return targets;
    }

    /**
     * The topic has no route: sends go to every known broker's master, {@link TopicConfig#DEFAULT_QUEUES}
     * queues each, so that a broker with auto-create on creates the topic (RocketMQ's template route).
     */
    private CompletableFuture<SendTargets> fallbackTargets(final String topic, final long deadlineNs)
    {
        return Futures.within(context.routers().clusterInfo(), deadlineNs - clock.nanoTime(),
            () -> "cluster info for new topic: topic=" + topic).thenApply(info -> templateTargets(topic, info));
    }

    private SendTargets templateTargets(final String topic, final ClusterInfo info)
    {
        final Map<String, String> masters = new HashMap<>();
        final List<MessageQueue> queues = new ArrayList<>();
        for (final BrokerRoute broker : new TreeMap<>(info.brokers()).values())
        {
            final String master = broker.masterAddress();
            if (master != null)
            {
                masters.put(broker.brokerName(), master);
                for (int id = 0; id < TopicConfig.DEFAULT_QUEUES; id++)
                {
                    queues.add(new MessageQueue(topic, broker.brokerName(), id));
                }
            }
        }
        if (queues.isEmpty())
        {
            throw new RockletException(ErrorCode.NO_ROUTE, "no route and no broker to create the topic on: topic=" +
                topic + ", brokers=" + info.brokers().keySet());
        }
        return new SendTargets(List.copyOf(queues), name -> context.brokerAt(masters.get(name)), true);
    }

    /**
     * @return a TIMEOUT error for a send that ran out of time.
     */
    RockletException timedOut(final String topic, final int attempts, final RockletException last)
    {
        return new RockletException(ErrorCode.TIMEOUT, "send timed out: topic=" + topic + ", sendTimeoutMs=" +
            TimeUnit.NANOSECONDS.toMillis(sendTimeoutNs) + ", attempts=" + attempts +
            (last == null ? "" : ", lastError=" + last.getMessage()), last);
    }
}

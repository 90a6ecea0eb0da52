package io.rocklet.client.consumer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.client.internal.ClientContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Decides which queues of each subscribed topic a consumer takes, and tells its {@link Assignee}.
 * Clustering: the topic's readable queues (from the route) shared among the group's members (asked of
 * a broker of the topic) by {@link AllocateAverage}; broadcasting: every queue. It runs at start, every
 * {@code rebalanceInterval}, and at once when a broker of the topics reports a membership change;
 * an offset reset reported by a broker (clustering; a broadcasting group keeps its offsets itself) is
 * handed to the assignee, with the new offsets, before the next run.
 *
 * <p>Runs never overlap: a request during a run makes one more run after it. Each run executes on the
 * client's scheduler thread (its broker calls are asynchronous), and so do the assignee's callbacks.
 * A topic whose route or members cannot be fetched keeps its current queues, and the run is repeated
 * after a back-off ({@value #FIRST_RETRY_MS} ms, doubling up to the interval): a topic the routers do not
 * know yet - the group's retry topic, made by the broker when the group's first heartbeat reaches it - is
 * taken as soon as they do, not one interval later. A member that does not
 * find itself among the members (its heartbeat has not reached that broker yet) heartbeats at once
 * and keeps its queues; the heartbeat's membership event brings the next run.
 */
final class Rebalancer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);
    /** The first delay before a run is repeated because a topic failed. */
    static final long FIRST_RETRY_MS = 100;

    /**
     * Applies assignments; called on the client's scheduler thread, one call at a time.
     */
    interface Assignee
    {
        /**
         * @param queues the queues of {@code topic} this member takes now (all others of the topic are lost).
         * @return completes when the gained queues have started (or failed to).
         */
        CompletableFuture<Void> assign(String topic, List<MessageQueue> queues);

        /**
         * The group's committed offsets on {@code brokerName} were reset: restart the queues concerned from them.
         *
         * @param topic   the topic that was reset, or null when the broker did not say (every queue of the broker).
         * @param offsets queue id to the new offset of each queue of {@code topic}; when empty, read the broker's
         *                committed offsets.
         */
        void resetOffsets(String brokerName, String topic, Map<Integer, Long> offsets);
    }

    private final ClientContext context;
    private final BrokerCalls brokers;
    private final ClientExecutor timers;
    private final String group;
    private final boolean broadcasting;
    private final Supplier<Collection<String>> topics;
    private final long intervalMs;
    private final Assignee assignee;
    private final GroupWatches watches;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Reset> resets = new ConcurrentLinkedQueue<>();
    private final Set<String> failingTopics = ConcurrentHashMap.newKeySet();
    private CompletableFuture<Void> upcomingRun = new CompletableFuture<>();
    private volatile boolean closed;
    private ScheduledFuture<?> timer;
    /** The delay before repeating a run that had a failing topic; scheduler thread only. */
    private long retryMs = FIRST_RETRY_MS;

    /** An offset reset a broker reported. */
    private record Reset(String brokerName, String topic, Map<Integer, Long> offsets)
    {
    }

    /**
     * @param topics the topics to rebalance (read at every run).
     */
    Rebalancer(final ClientContext context, final BrokerCalls brokers, final ClientExecutor timers, final String group,
        final MessageModel model, final Supplier<Collection<String>> topics, final long intervalMs,
        final Assignee assignee)
    {
        this.context = context;
        this.brokers = brokers;
        this.timers = timers;
        this.group = group;
        this.broadcasting = model == MessageModel.BROADCASTING;
        this.topics = topics;
        this.intervalMs = intervalMs;
        this.assignee = assignee;
        this.watches = new GroupWatches(context, group, this::onGroupEvent);
    }

    /**
     * Starts the periodic runs and requests the first.
     *
     * @return completes after the first run.
     */
    synchronized CompletableFuture<Void> start()
    {
        if (timer == null && !closed)
        {
            timer = timers.every(this::requestRebalance, intervalMs);
        }
        return requestRebalance();
    }

    /**
     * Asks for a run as soon as possible (coalesced with one already waiting).
     *
     * @return completes after a run that started after this request (at once when closed).
     */
    synchronized CompletableFuture<Void> requestRebalance()
    {
        final CompletableFuture<Void> upcoming = upcomingRun;
        requested.set(true);
        if (!closed && running.compareAndSet(false, true))
        {
            timers.execute(this::run);
        }
        return upcoming;
    }

    /**
     * A broker stopped answering: its group watch may be gone (a restarted broker forgets it), so it is set
     * up again by a run requested now.
     */
    void brokerFailed(final String brokerName)
    {
        if (!closed && watches.forget(brokerName))
        {
            requestRebalance();
        }
    }

    /**
     * Stops runs and closes the group watches (a run in progress assigns nothing more). Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            closed = true;
            ClientExecutor.cancel(timer);
        }
        watches.close();
        final CompletableFuture<Void> upcoming;
        synchronized (this)
        {
            upcoming = upcomingRun;
        }
        upcoming.complete(null);
    }

    private void onGroupEvent(final String brokerName, final GroupEvent event)
    {
        if (event.kind() == GroupEvent.Kind.OFFSETS_RESET && !broadcasting)
        {
            resets.add(new Reset(brokerName, event.topic(), event.offsets()));
        }
        requestRebalance();
    }

    private void run()
    {
        final CompletableFuture<Void> thisRun;
        synchronized (this)
        {
            thisRun = upcomingRun;
            upcomingRun = new CompletableFuture<>();
            requested.set(false);
        }
        if (closed)
        {
            finishRun(thisRun, false);
            return;
        }
        final Map<List<String>, Reset> latest = new LinkedHashMap<>();
        for (Reset reset = resets.poll(); reset != null; reset = resets.poll())
        {
            final List<String> key = Arrays.asList(reset.brokerName(), reset.topic());
            latest.remove(key);
            latest.put(key, reset);
        }
        for (final Reset reset : latest.values())
        {
            LOG.info("group offsets reset on broker, restarting its queues: group={}, broker={}, topic={}, " +
                "offsets={}", group, reset.brokerName(), reset.topic(), reset.offsets());
            assignee.resetOffsets(reset.brokerName(), reset.topic(), reset.offsets());
        }
        final List<CompletableFuture<Boolean>> runs = new ArrayList<>();
        for (final String topic : topics.get())
        {
            runs.add(rebalanceTopic(topic));
        }
        CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).whenCompleteAsync(
            (done, error) -> finishRun(thisRun, runs.stream().anyMatch(ok -> !ok.join())), timers);
    }

    private void finishRun(final CompletableFuture<Void> thisRun, final boolean topicFailed)
    {
        running.set(false);
        thisRun.complete(null);
        if (closed)
        {
            return;
        }
        if (requested.get() || !resets.isEmpty())
        {
            requestRebalance();
        }
        else if (topicFailed)
        {
            timers.schedule(this::requestRebalance, retryMs);
        }
        retryMs = topicFailed ? Math.min(retryMs * 2, Math.max(intervalMs, FIRST_RETRY_MS)) : FIRST_RETRY_MS;
    }

    /**
     * @return completes with false when the topic's route or members could not be fetched (never fails).
     */
    private CompletableFuture<Boolean> rebalanceTopic(final String topic)
    {
        return brokers.bound(Futures.call(() -> context.route(topic)), "route: topic=" + topic)
            .thenCompose(route -> allocate(topic, route))
            .thenComposeAsync(queues -> queues == null || closed ? Futures.done() : assignee.assign(topic, queues),
                timers)
            .handle((done, error) ->
            {
                if (error == null)
                {
                    if (failingTopics.remove(topic))
                    {
                        LOG.info("rebalance works again: group={}, topic={}", group, topic);
                    }
                    return true;
                }
                reportFailure(topic, error);
                return false;
            });
    }

    /**
     * @return this member's queues of the topic, or null to keep the current ones.
     */
    private CompletableFuture<List<MessageQueue>> allocate(final String topic, final TopicRoute route)
    {
        final List<MessageQueue> queues = context.readQueues(route);
        final List<String> brokers = new ArrayList<>();
        for (final QueueRoute queueRoute : route.queues())
        {
            brokers.add(queueRoute.brokerName());
        }
        watches.watch(brokers);
        if (broadcasting)
        {
            return CompletableFuture.completedFuture(queues);
        }
        final List<String> memberSources = queues.stream().map(MessageQueue::brokerName).distinct().toList();
        if (memberSources.isEmpty())
        {
            return CompletableFuture.completedFuture(List.of());
        }
        return members(memberSources, 0).thenApply(members ->
        {
            if (!members.contains(context.clientId()))
            {
                LOG.debug("not yet a member on the broker, heartbeating: group={}, topic={}", group, topic);
                context.heartbeatNow();
                return null;
            }
            return AllocateAverage.allocate(context.clientId(), members, queues);
        });
    }

    private CompletableFuture<List<String>> members(final List<String> sources, final int index)
    {
        return brokers.call(sources.get(index), "groupMembers", broker -> broker.groupMembers(group))
            .exceptionallyCompose(error -> index + 1 < sources.size() ? members(sources, index + 1) :
                CompletableFuture.failedFuture(Futures.unwrap(error)));
    }

    private void reportFailure(final String topic, final Throwable error)
    {
        final Throwable cause = Futures.unwrap(error);
        final boolean expected = topic.startsWith(SystemTopics.RETRY_PREFIX) &&
            Futures.codeOf(cause) == ErrorCode.TOPIC_NOT_FOUND;
        if (!expected && failingTopics.add(topic))
        {
            LOG.warn("rebalance failed, keeping the current queues: group={}, topic={}, error={}", group, topic,
                cause.toString());
        }
        else
        {
            LOG.debug("rebalance failed, keeping the current queues: group={}, topic={}, error={}", group, topic,
                cause.toString());
        }
    }
}

package io.rocklet.client.consumer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageView;
import io.rocklet.api.RockletException;
import io.rocklet.api.TagFilter;
import io.rocklet.testing.UnsupportedBroker;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Subscription;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A scripted in-memory broker for consumer tests: queues are lists, pulls are served from them with
 * the broker's tag-hash filter, long polls park until an append (or their timeout), groups, offsets,
 * locks and send-backs are kept in maps and recorded. Thread-safe (one monitor); futures and group
 * events are completed outside it.
 */
final class FakeBroker extends UnsupportedBroker
{
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task ->
    {
        final Thread thread = new Thread(task, "fake-broker-timer");
        thread.setDaemon(true);
        return thread;
    });

    final String name;
    final List<CommitOffsetsRequest> commits = new CopyOnWriteArrayList<>();
    final List<SendBackRequest> sendBacks = new CopyOnWriteArrayList<>();
    final List<LockRequest> unlocks = new CopyOnWriteArrayList<>();
    final List<String> unregistered = new CopyOnWriteArrayList<>();
    final AtomicInteger served = new AtomicInteger();
    volatile boolean failPulls;
    volatile boolean swallowPulls;
    volatile int failSendBacks;

    private final Map<String, List<List<MessageView>>> topics = new HashMap<>();
    private final Map<String, Long> minOffsets = new HashMap<>();
    private final Map<String, List<Waiter>> waiters = new HashMap<>();
    private final Map<String, Long> offsets = new HashMap<>();
    private final Map<String, TreeSet<String>> members = new HashMap<>();
    private final Map<String, List<Consumer<GroupEvent>>> watchers = new HashMap<>();
    private RockletException watchRefusal;
    private boolean watchRefusedLater;
    private int watchCalls;
    private final Map<String, String> locks = new HashMap<>();
    private final Map<String, AtomicInteger> pulls = new HashMap<>();
    private long nextMessageId;

    private record Waiter(PullRequest request, CompletableFuture<PullResult> future)
    {
    }

    FakeBroker(final String name)
    {
        this.name = name;
    }

    // ---- scripting

    synchronized void createTopic(final String topic, final int queues)
    {
        final List<List<MessageView>> list = new ArrayList<>();
        for (int i = 0; i < queues; i++)
        {
            list.add(new ArrayList<>());
        }
        topics.put(topic, list);
    }

    synchronized Map<String, Integer> topicQueues()
    {
        final Map<String, Integer> result = new TreeMap<>();
        topics.forEach((topic, queues) -> result.put(topic, queues.size()));
        return result;
    }

    MessageView append(final String topic, final int queueId, final String tag, final String body)
    {
        return append(topic, queueId, tag, body, System.currentTimeMillis(), Map.of(), 0);
    }

    MessageView append(final String topic, final int queueId, final String tag, final String body,
        final long storeTimestampMs, final Map<String, String> properties, final int reconsumeTimes)
    {
        final List<Waiter> woken;
        final MessageView message;
        synchronized (this)
        {
            final List<MessageView> queue = topics.get(topic).get(queueId);
            message = new TestMessage(name + "-" + (nextMessageId++), topic, tag, properties,
                body.getBytes(StandardCharsets.UTF_8), queueId, queue.size(), storeTimestampMs, reconsumeTimes);
            queue.add(message);
            woken = waiters.remove(key(topic, queueId));
        }
        if (woken != null)
        {
            for (final Waiter waiter : woken)
            {
                waiter.future.complete(serve(waiter.request));
            }
        }
        return message;
    }

    synchronized void setMinOffset(final String topic, final int queueId, final long min)
    {
        minOffsets.put(key(topic, queueId), min);
    }

    synchronized void setCommitted(final String group, final String topic, final int queueId, final long offset)
    {
        offsets.put(group + "#" + key(topic, queueId), offset);
    }

    synchronized long committed(final String group, final String topic, final int queueId)
    {
        return offsets.getOrDefault(group + "#" + key(topic, queueId), -1L);
    }

    synchronized int pullCount(final String topic, final int queueId)
    {
        final AtomicInteger count = pulls.get(key(topic, queueId));
        return count == null ? 0 : count.get();
    }

    synchronized String lockOwner(final String group, final String topic, final int queueId)
    {
        return locks.get(group + "#" + key(topic, queueId));
    }

    synchronized void lock(final String group, final String topic, final int queueId, final String clientId)
    {
        locks.put(group + "#" + key(topic, queueId), clientId);
    }

    synchronized void unlock(final String group, final String topic, final int queueId)
    {
        locks.remove(group + "#" + key(topic, queueId));
    }

    /**
     * Loses every group watch, as a restarted broker does.
     */
    synchronized void forgetWatchers()
    {
        watchers.clear();
    }

    void fire(final String group, final GroupEvent.Kind kind)
    {
        fire(new GroupEvent(group, kind));
    }

    void fire(final GroupEvent event)
    {
        final List<Consumer<GroupEvent>> listeners;
        synchronized (this)
        {
            listeners = List.copyOf(watchers.getOrDefault(event.group(), List.of()));
        }
        for (final Consumer<GroupEvent> listener : listeners)
        {
            listener.accept(event);
        }
    }

    private static String key(final String topic, final int queueId)
    {
        return topic + "#" + queueId;
    }

    // ---- consuming

    @Override
    public CompletableFuture<PullResult> pull(final PullRequest request)
    {
        synchronized (this)
        {
            pulls.computeIfAbsent(key(request.topic(), request.queueId()), k -> new AtomicInteger()).incrementAndGet();
            if (swallowPulls)
            {
                return new CompletableFuture<>();
            }
            if (failPulls)
            {
                return CompletableFuture.failedFuture(new RockletException(ErrorCode.BROKER_UNAVAILABLE,
                    "fake broker refuses pulls: broker=" + name));
            }
            final List<List<MessageView>> queues = topics.get(request.topic());
            if (queues == null || request.queueId() >= queues.size())
            {
                return CompletableFuture.failedFuture(new RockletException(ErrorCode.TOPIC_NOT_FOUND,
                    "no such queue: topic=" + request.topic()));
            }
            final long max = queues.get(request.queueId()).size();
            if (request.offset() == max && request.longPollTimeoutMs() > 0)
            {
                final Waiter waiter = new Waiter(request, new CompletableFuture<>());
                waiters.computeIfAbsent(key(request.topic(), request.queueId()), k -> new ArrayList<>()).add(waiter);
                TIMER.schedule(() -> expire(waiter), request.longPollTimeoutMs(), TimeUnit.MILLISECONDS);
                return waiter.future;
            }
        }
        return CompletableFuture.completedFuture(serve(request));
    }

    private void expire(final Waiter waiter)
    {
        synchronized (this)
        {
            final List<Waiter> list = waiters.get(key(waiter.request.topic(), waiter.request.queueId()));
            if (list == null || !list.remove(waiter))
            {
                return;
            }
        }
        waiter.future.complete(serve(waiter.request));
    }

    private synchronized PullResult serve(final PullRequest request)
    {
        final List<MessageView> queue = topics.get(request.topic()).get(request.queueId());
        final long min = minOffsets.getOrDefault(key(request.topic(), request.queueId()), 0L);
        final long max = queue.size();
        if (request.offset() < min)
        {
            return new PullResult(PullStatus.OFFSET_TOO_OLD, min, min, max, List.of());
        }
        if (request.offset() > max)
        {
            return new PullResult(PullStatus.OFFSET_OVERFLOW, max, min, max, List.of());
        }
        if (request.offset() == max)
        {
            return new PullResult(PullStatus.NO_NEW_MESSAGES, max, min, max, List.of());
        }
        final TagFilter filter = TagFilter.parse(request.tagExpression());
        final List<MessageView> found = new ArrayList<>();
        long next = request.offset();
        while (next < max && found.size() < request.maxCount())
        {
            final MessageView message = queue.get((int) next++);
            if (filter.matchesCode(TagFilter.tagCode(message.tag())))
            {
                found.add(message);
            }
        }
        if (found.isEmpty())
        {
            return new PullResult(PullStatus.NO_MATCHED_MESSAGE, next, min, max, List.of());
        }
        served.addAndGet(found.size());
        return new PullResult(PullStatus.FOUND, next, min, max, List.copyOf(found));
    }

    @Override
    public CompletableFuture<Void> heartbeat(final ClientHeartbeat heartbeat)
    {
        final List<String> joined = new ArrayList<>();
        synchronized (this)
        {
            for (final ConsumerRegistration registration : heartbeat.consumers())
            {
                if (members.computeIfAbsent(registration.group(), g -> new TreeSet<>()).add(heartbeat.clientId()))
                {
                    joined.add(registration.group());
                }
            }
        }
        joined.forEach(group -> fire(group, GroupEvent.Kind.MEMBERS_CHANGED));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unregisterClient(final String clientId, final String group)
    {
        final boolean left;
        synchronized (this)
        {
            unregistered.add(clientId + "@" + group);
            left = members.getOrDefault(group, new TreeSet<>()).remove(clientId);
        }
        if (left)
        {
            fire(group, GroupEvent.Kind.MEMBERS_CHANGED);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<List<String>> groupMembers(final String group)
    {
        return CompletableFuture.completedFuture(List.copyOf(members.getOrDefault(group, new TreeSet<>())));
    }

    /**
     * Refuses group watches from now on: synchronously (as the local transport does) or through the subscription's
     * {@link Subscription#failure()} (as the gRPC transport does); null accepts them again.
     */
    synchronized void refuseWatches(final RockletException refusal, final boolean later)
    {
        watchRefusal = refusal;
        watchRefusedLater = later;
    }

    synchronized int watchCalls()
    {
        return watchCalls;
    }

    @Override
    public synchronized Subscription watchGroup(final String group, final String clientId,
        final Consumer<GroupEvent> listener)
    {
        watchCalls++;
        if (watchRefusal != null)
        {
            if (!watchRefusedLater)
            {
                throw watchRefusal;
            }
            final CompletableFuture<Void> failure = CompletableFuture.failedFuture(watchRefusal);
            return new Subscription()
            {
                @Override
                public void close()
                {
                }

                @Override
                public CompletableFuture<Void> failure()
                {
                    return failure;
                }
            };
        }
        watchers.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(listener);
        return () ->
        {
            synchronized (FakeBroker.this)
            {
                watchers.getOrDefault(group, new ArrayList<>()).remove(listener);
            }
        };
    }

    @Override
    public synchronized CompletableFuture<Void> commitOffsets(final CommitOffsetsRequest request)
    {
        commits.add(request);
        for (final QueueOffset offset : request.offsets())
        {
            offsets.put(request.group() + "#" + key(offset.topic(), offset.queueId()), offset.offset());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Long> queryOffset(final String group, final String topic, final int queueId)
    {
        return CompletableFuture.completedFuture(offsets.getOrDefault(group + "#" + key(topic, queueId), -1L));
    }

    @Override
    public synchronized CompletableFuture<QueueOffsets> queueOffsets(final String topic, final int queueId)
    {
        final long min = minOffsets.getOrDefault(key(topic, queueId), 0L);
        return CompletableFuture.completedFuture(new QueueOffsets(min, topics.get(topic).get(queueId).size()));
    }

    @Override
    public synchronized CompletableFuture<Long> searchOffset(final String topic, final int queueId,
        final long timestampMs)
    {
        final List<MessageView> queue = topics.get(topic).get(queueId);
        for (final MessageView message : queue)
        {
            if (message.storeTimestampMs() >= timestampMs)
            {
                return CompletableFuture.completedFuture(message.queueOffset());
            }
        }
        return CompletableFuture.completedFuture((long) queue.size());
    }

    @Override
    public synchronized CompletableFuture<List<QueueRef>> lockQueues(final LockRequest request)
    {
        final List<QueueRef> granted = new ArrayList<>();
        for (final QueueRef ref : request.queues())
        {
            final String key = request.group() + "#" + key(ref.topic(), ref.queueId());
            final String owner = locks.get(key);
            if (owner == null || owner.equals(request.clientId()))
            {
                locks.put(key, request.clientId());
                granted.add(ref);
            }
        }
        return CompletableFuture.completedFuture(granted);
    }

    @Override
    public synchronized CompletableFuture<Void> unlockQueues(final LockRequest request)
    {
        unlocks.add(request);
        for (final QueueRef ref : request.queues())
        {
            locks.remove(request.group() + "#" + key(ref.topic(), ref.queueId()), request.clientId());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> sendBack(final SendBackRequest request)
    {
        sendBacks.add(request);
        synchronized (this)
        {
            if (failSendBacks > 0)
            {
                failSendBacks--;
                return CompletableFuture.failedFuture(new RockletException(ErrorCode.BROKER_UNAVAILABLE,
                    "fake broker refuses send-backs: broker=" + name));
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    // ---- not used by consumers

    @Override
    public CompletableFuture<RouterService.BrokerIdentity> identity()
    {
        return CompletableFuture.completedFuture(new RouterService.BrokerIdentity("c", name, 0, "local://" + name));
    }

    /**
     * @return the message ids of {@code sendBacks}, in order.
     */
    List<String> sentBackIds()
    {
        return sendBacks.stream().map(SendBackRequest::messageId).toList();
    }
}

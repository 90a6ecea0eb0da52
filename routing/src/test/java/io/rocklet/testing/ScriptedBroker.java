package io.rocklet.testing;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A broker for client tests: holds topics, answers sends with growing offsets (or as a test scripts it),
 * and records every request it gets. Consumer-side calls are not supported.
 */
public final class ScriptedBroker extends UnsupportedBroker
{
    public final BrokerIdentity identity;
    public final List<SendRequest> sends = new CopyOnWriteArrayList<>();
    public final List<SendBatchRequest> batches = new CopyOnWriteArrayList<>();
    public final List<ClientHeartbeat> heartbeats = new CopyOnWriteArrayList<>();
    public final List<String> unregistered = new CopyOnWriteArrayList<>();
    public final List<ResetOffsetsRequest> resets = new CopyOnWriteArrayList<>();
    public final Map<String, TopicConfig> topics = new ConcurrentHashMap<>();
    /** The consumer groups it knows (answers consumerGroups). */
    public final Set<String> groups = ConcurrentHashMap.newKeySet();
    private final AtomicLong offsets = new AtomicLong();
    private volatile Function<SendRequest, CompletableFuture<SendResult>> sendHandler;
    private volatile Function<String, CompletableFuture<Void>> adminHandler = topic -> null;
    private volatile boolean autoCreate;

    public ScriptedBroker(final String clusterName, final String brokerName, final long brokerId, final String address)
    {
        this.identity = new BrokerIdentity(clusterName, brokerName, brokerId, address);
    }

    public static ScriptedBroker master(final String brokerName)
    {
        return new ScriptedBroker("c1", brokerName, 0, "test://" + brokerName);
    }

    public ScriptedBroker withTopic(final String topic, final int queues)
    {
        topics.put(topic, TopicConfig.of(topic, queues));
        return this;
    }

    public ScriptedBroker autoCreate(final boolean enabled)
    {
        this.autoCreate = enabled;
        return this;
    }

    /**
     * @param handler answers sends (null: the default, which stores and answers with the next offset).
     */
    public void onSend(final Function<SendRequest, CompletableFuture<SendResult>> handler)
    {
        this.sendHandler = handler;
    }

    /**
     * @param handler answers createOrUpdateTopic/deleteTopic by topic name; a null answer means the default.
     */
    public void onAdmin(final Function<String, CompletableFuture<Void>> handler)
    {
        this.adminHandler = handler;
    }

    public BrokerRegistration registration()
    {
        return new BrokerRegistration(identity, List.copyOf(topics.values()), 1);
    }

    public String name()
    {
        return identity.brokerName();
    }

    public String address()
    {
        return identity.address();
    }

    public static CompletableFuture<SendResult> failure(final ErrorCode code)
    {
        return CompletableFuture.failedFuture(new RockletException(code, "scripted failure: code=" + code));
    }

    @Override
    public CompletableFuture<BrokerIdentity> identity()
    {
        return CompletableFuture.completedFuture(identity);
    }

    @Override
    public CompletableFuture<SendResult> send(final SendRequest request)
    {
        sends.add(request);
        final Function<SendRequest, CompletableFuture<SendResult>> handler = sendHandler;
        if (handler != null)
        {
            return handler.apply(request);
        }
        final String topic = request.message().topic();
        if (!hasTopic(topic))
        {
            return CompletableFuture.failedFuture(new RockletException(ErrorCode.TOPIC_NOT_FOUND,
                "topic not found: topic=" + topic + ", broker=" + name()));
        }
        return CompletableFuture.completedFuture(result(request.queueId()));
    }

    @Override
    public CompletableFuture<List<SendResult>> sendBatch(final SendBatchRequest request)
    {
        batches.add(request);
        if (!hasTopic(request.topic()))
        {
            return CompletableFuture.failedFuture(new RockletException(ErrorCode.TOPIC_NOT_FOUND,
                "topic not found: topic=" + request.topic()));
        }
        final List<SendResult> results = new ArrayList<>();
        for (int i = 0; i < request.messages().size(); i++)
        {
            results.add(result(request.queueId()));
        }
        return CompletableFuture.completedFuture(results);
    }

    @Override
    public CompletableFuture<Void> heartbeat(final ClientHeartbeat heartbeat)
    {
        heartbeats.add(heartbeat);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unregisterClient(final String clientId, final String group)
    {
        unregistered.add(clientId + "/" + group);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> createOrUpdateTopic(final TopicConfig topic)
    {
        final CompletableFuture<Void> scripted = adminHandler.apply(topic.name());
        if (scripted != null)
        {
            return scripted;
        }
        topics.put(topic.name(), topic);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(final String topic)
    {
        final CompletableFuture<Void> scripted = adminHandler.apply(topic);
        if (scripted != null)
        {
            return scripted;
        }
        topics.remove(topic);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<TopicConfig>> topics()
    {
        return CompletableFuture.completedFuture(List.copyOf(topics.values()));
    }

    @Override
    public CompletableFuture<Map<Integer, Long>> resetOffsets(final ResetOffsetsRequest request)
    {
        resets.add(request);
        final Map<Integer, Long> answer = new TreeMap<>();
        for (int id = 0; id < topics.get(request.topic()).readQueues(); id++)
        {
            answer.put(id, 100L + id);
        }
        return CompletableFuture.completedFuture(answer);
    }

    @Override
    public Subscription watchGroup(final String group, final String clientId, final Consumer<GroupEvent> listener)
    {
        throw new UnsupportedOperationException("watchGroup");
    }

    @Override
    public CompletableFuture<List<GroupState>> consumerGroups()
    {
        return CompletableFuture.completedFuture(new TreeSet<>(groups).stream()
            .map(group -> new GroupState(group, List.of(), List.of())).toList());
    }

    @Override
    public String toString()
    {
        return "ScriptedBroker{" + name() + "}";
    }

    private boolean hasTopic(final String topic)
    {
        if (!topics.containsKey(topic) && autoCreate)
        {
            topics.put(topic, TopicConfig.of(topic, TopicConfig.DEFAULT_QUEUES));
        }
        return topics.containsKey(topic);
    }

    private SendResult result(final int queueId)
    {
        final long offset = offsets.getAndIncrement();
        return new SendResult(name() + "-" + offset, name(), queueId, offset, 0);
    }

}

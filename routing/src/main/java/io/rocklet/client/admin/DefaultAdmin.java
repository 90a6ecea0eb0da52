package io.rocklet.client.admin;

import io.rocklet.api.Admin;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.ClusterStatus;
import io.rocklet.api.admin.ConsumerProgress;
import io.rocklet.api.admin.GroupInfo;
import io.rocklet.api.admin.GroupMember;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.api.admin.ResentMessage;
import io.rocklet.api.admin.TopicInfo;
import io.rocklet.api.admin.TopicRouteInfo;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.auth.AccessAdmin;
import io.rocklet.client.internal.DefaultClientContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link Admin} of a client, a façade over one helper per subject: {@link TopicOperations},
 * {@link GroupOperations}, {@link MessageOperations}, {@link DeadLetterOperations}, {@link ClusterOperations} and
 * {@link AccessOperations},
 * which reach brokers through {@link AdminCalls} (brokers from a router's cluster information; each operation goes
 * to the brokers' masters in parallel, each call with the client's request timeout, and fails - naming every
 * broker that failed - unless all of them succeed). Everything goes through the transport SPI, so it works the
 * same over any transport. Synchronous; thread-safe (stateless besides the client context).
 */
public final class DefaultAdmin implements Admin
{
    private final TopicOperations topics;
    private final GroupOperations groups;
    private final MessageOperations messages;
    private final DeadLetterOperations deadLetters;
    private final ClusterOperations cluster;
    private final AdminCalls calls;

    public DefaultAdmin(final DefaultClientContext context)
    {
        final AdminCalls calls = new AdminCalls(context);
        this.calls = calls;
        this.topics = new TopicOperations(calls);
        this.groups = new GroupOperations(calls);
        this.messages = new MessageOperations(calls);
        this.deadLetters = new DeadLetterOperations(calls, groups, messages);
        this.cluster = new ClusterOperations(calls);
    }

    @Override
    public void createTopic(final TopicConfig topic)
    {
        topics.create(topic);
    }

    @Override
    public void createTopic(final TopicConfig topic, final Collection<String> brokerNames)
    {
        topics.create(topic, brokerNames);
    }

    @Override
    public void updateTopic(final TopicConfig topic)
    {
        topics.update(topic);
    }

    @Override
    public void deleteTopic(final String topic)
    {
        topics.delete(topic);
    }

    @Override
    public List<TopicInfo> topics()
    {
        return topics.topics();
    }

    @Override
    public TopicRouteInfo route(final String topic)
    {
        return topics.route(topic);
    }

    @Override
    public List<MessageQueue> queues(final String topic)
    {
        return topics.queues(topic);
    }

    @Override
    public List<QueueStats> queueStats(final String topic)
    {
        return topics.queueStats(topic);
    }

    @Override
    public List<GroupInfo> groups()
    {
        return groups.groups();
    }

    @Override
    public List<GroupMember> members(final String group)
    {
        return groups.members(group);
    }

    @Override
    public ConsumerProgress progress(final String group)
    {
        return groups.progress(group);
    }

    @Override
    public Map<MessageQueue, Long> resetOffsets(final String group, final String topic, final long timestampMs)
    {
        return groups.reset(group, topic, timestampMs);
    }

    @Override
    public Map<MessageQueue, Long> resetOffsets(final String group, final String topic,
        final ConsumeFrom.Position position)
    {
        return groups.reset(group, topic, position);
    }

    @Override
    public Optional<MessageDetail> messageById(final String messageId)
    {
        return messages.byId(messageId);
    }

    @Override
    public boolean recall(final String topic, final String messageId)
    {
        return messages.recall(topic, messageId);
    }

    @Override
    public List<MessageDetail> messagesByKey(final String topic, final String key, final long beginTimestampMs,
        final long endTimestampMs, final int maxCount)
    {
        return messages.byKey(topic, key, beginTimestampMs, endTimestampMs, maxCount);
    }

    @Override
    public List<MessageDetail> deadLetters(final String group, final int maxCount)
    {
        return deadLetters.list(group, maxCount);
    }

    @Override
    public ResentMessage resendDeadLetter(final String group, final String messageId)
    {
        return deadLetters.resend(group, messageId);
    }

    @Override
    public List<ResentMessage> resendDeadLetters(final String group)
    {
        return deadLetters.resendAll(group);
    }

    @Override
    public ClusterStatus clusterStatus()
    {
        return cluster.status();
    }

    @Override
    public AccessAdmin brokerAccess(final String brokerAddress)
    {
        return AccessOperations.broker(calls, brokerAddress);
    }

    @Override
    public AccessAdmin routerAccess(final String routerAddress)
    {
        return AccessOperations.router(calls, routerAddress);
    }

    @Override
    public List<TransactionInfo> transactions(final String producerGroup)
    {
        AdminChecks.group(producerGroup, "transactions");
        final List<TransactionInfo> all = new ArrayList<>();
        calls.fanOut("list transactions: producerGroup=" + producerGroup, calls.masters(),
            broker -> broker.transactions(producerGroup)).values().forEach(all::addAll);
        return List.copyOf(all);
    }
}

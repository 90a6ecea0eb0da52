package io.rocklet.transport.local;

import io.rocklet.api.MessageView;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.spi.AccessService;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Subscription;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static io.rocklet.transport.local.LocalTransport.call;

/**
 * A broker reached by direct calls; the broker is looked up on every call, and requests and messages
 * are passed as they are.
 */
final class LocalBrokerStub implements BrokerService, AccessService.Delegating
{
    private final Supplier<BrokerService> target;
    private final AccessService access;

    LocalBrokerStub(final Supplier<BrokerService> target)
    {
        this.target = target;
        this.access = new LocalAccessStub(target);
    }

    @Override
    public CompletableFuture<RouterService.BrokerIdentity> identity()
    {
        return call(() -> target.get().identity());
    }

    @Override
    public CompletableFuture<SendResult> send(final SendRequest request)
    {
        return call(() -> target.get().send(request));
    }

    @Override
    public CompletableFuture<List<SendResult>> sendBatch(final SendBatchRequest request)
    {
        return call(() -> target.get().sendBatch(request));
    }

    @Override
    public CompletableFuture<RecallStatus> recall(final RecallRequest request)
    {
        return call(() -> target.get().recall(request));
    }

    @Override
    public CompletableFuture<EndTransactionStatus> endTransaction(final EndTransactionRequest request)
    {
        return call(() -> target.get().endTransaction(request));
    }

    /**
     * A direct registration: the broker calls the listener itself.
     */
    @Override
    public Subscription watchTransactionChecks(final String producerGroup, final String clientId,
        final Consumer<TransactionCheck> listener)
    {
        return target.get().watchTransactionChecks(producerGroup, clientId, listener);
    }

    @Override
    public CompletableFuture<List<TransactionInfo>> transactions(final String producerGroup)
    {
        return call(() -> target.get().transactions(producerGroup));
    }

    @Override
    public CompletableFuture<PullResult> pull(final PullRequest request)
    {
        return call(() -> target.get().pull(request));
    }

    @Override
    public CompletableFuture<Void> heartbeat(final ClientHeartbeat heartbeat)
    {
        return call(() -> target.get().heartbeat(heartbeat));
    }

    @Override
    public CompletableFuture<Void> unregisterClient(final String clientId, final String group)
    {
        return call(() -> target.get().unregisterClient(clientId, group));
    }

    @Override
    public CompletableFuture<List<String>> groupMembers(final String group)
    {
        return call(() -> target.get().groupMembers(group));
    }

    @Override
    public Subscription watchGroup(final String group, final String clientId, final Consumer<GroupEvent> listener)
    {
        return target.get().watchGroup(group, clientId, listener);
    }

    @Override
    public CompletableFuture<Void> commitOffsets(final CommitOffsetsRequest request)
    {
        return call(() -> target.get().commitOffsets(request));
    }

    @Override
    public CompletableFuture<Long> queryOffset(final String group, final String topic, final int queueId)
    {
        return call(() -> target.get().queryOffset(group, topic, queueId));
    }

    @Override
    public CompletableFuture<QueueOffsets> queueOffsets(final String topic, final int queueId)
    {
        return call(() -> target.get().queueOffsets(topic, queueId));
    }

    @Override
    public CompletableFuture<Long> searchOffset(final String topic, final int queueId, final long timestampMs)
    {
        return call(() -> target.get().searchOffset(topic, queueId, timestampMs));
    }

    @Override
    public CompletableFuture<List<QueueRef>> lockQueues(final LockRequest request)
    {
        return call(() -> target.get().lockQueues(request));
    }

    @Override
    public CompletableFuture<Void> unlockQueues(final LockRequest request)
    {
        return call(() -> target.get().unlockQueues(request));
    }

    @Override
    public CompletableFuture<Void> sendBack(final SendBackRequest request)
    {
        return call(() -> target.get().sendBack(request));
    }

    @Override
    public CompletableFuture<Void> createOrUpdateTopic(final TopicConfig topic)
    {
        return call(() -> target.get().createOrUpdateTopic(topic));
    }

    @Override
    public CompletableFuture<Void> deleteTopic(final String topic)
    {
        return call(() -> target.get().deleteTopic(topic));
    }

    @Override
    public CompletableFuture<List<TopicConfig>> topics()
    {
        return call(() -> target.get().topics());
    }

    @Override
    public CompletableFuture<Map<Integer, Long>> resetOffsets(final ResetOffsetsRequest request)
    {
        return call(() -> target.get().resetOffsets(request));
    }

    @Override
    public CompletableFuture<BrokerStatus> status()
    {
        return call(() -> target.get().status());
    }

    @Override
    public CompletableFuture<Map<Integer, QueueOffsets>> topicOffsets(final String topic)
    {
        return call(() -> target.get().topicOffsets(topic));
    }

    @Override
    public CompletableFuture<List<GroupState>> consumerGroups()
    {
        return call(() -> target.get().consumerGroups());
    }

    @Override
    public CompletableFuture<List<QueueConsumeState>> consumerProgress(final String group)
    {
        return call(() -> target.get().consumerProgress(group));
    }

    @Override
    public CompletableFuture<List<MessageView>> messageById(final String messageId)
    {
        return call(() -> target.get().messageById(messageId));
    }

    @Override
    public CompletableFuture<List<MessageView>> messagesByKey(final KeyQuery query)
    {
        return call(() -> target.get().messagesByKey(query));
    }

    @Override
    public CompletableFuture<ReplicaFetchResult> fetchReplica(final ReplicaFetchRequest request)
    {
        return call(() -> target.get().fetchReplica(request));
    }

    @Override
    public CompletableFuture<ReplicaMetadata> fetchReplicaMetadata(final ReplicaMetadataRequest request)
    {
        return call(() -> target.get().fetchReplicaMetadata(request));
    }

    // ---- users and policies

    @Override
    public AccessService accessService()
    {
        return access;
    }
}

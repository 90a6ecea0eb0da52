package io.rocklet.transport.grpc;

import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageView;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Subscription;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.BrokerProto;
import io.rocklet.transport.grpc.proto.TransactionProto;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static io.rocklet.transport.grpc.CommonCodec.text;

/**
 * A broker reached over gRPC: each method is one unary call on the address's shared {@link PeerChannel} with the
 * transport's call timeout as deadline (a pull's deadline adds its long-poll timeout; sends are answered on the event
 * loop, see {@link PeerChannel#unaryOnEventLoop}), except {@link #watchGroup}, a
 * {@link StreamWatch} stream that renews itself, and, with {@link GrpcTransportConfig#streamingPull()}, long-poll
 * pulls, served from per-queue broker streams ({@link PullStreams}). Thread-safe.
 */
final class GrpcBrokerStub implements BrokerService
{
    private final PeerChannel peer;
    private final long timeoutMs;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final PullStreams streams;

    GrpcBrokerStub(final PeerChannel peer, final GrpcTransportConfig config)
    {
        this.peer = peer;
        this.streams = config.streamingPull() ? new PullStreams(peer, config) : null;
        this.timeoutMs = config.callTimeout().toMillis();
        this.backoffMin = config.reconnectBackoffMin();
        this.backoffMax = config.reconnectBackoffMax();
    }

    @Override
    public CompletableFuture<RouterService.BrokerIdentity> identity()
    {
        return peer.unary(BrokerGrpc.getIdentityMethod(), BrokerProto.IdentityRequest::getDefaultInstance,
            CommonCodec::brokerIdentity, timeoutMs);
    }

    @Override
    public CompletableFuture<SendResult> send(final SendRequest request)
    {
        return peer.unaryOnEventLoop(BrokerGrpc.getSendMethod(), () -> MessageCodec.sendRequest(request),
            MessageCodec::sendResult, timeoutMs);
    }

    @Override
    public CompletableFuture<List<SendResult>> sendBatch(final SendBatchRequest request)
    {
        return peer.unaryOnEventLoop(BrokerGrpc.getSendBatchMethod(), () -> MessageCodec.sendBatchRequest(request),
            MessageCodec::sendBatchResult, timeoutMs);
    }

    @Override
    public CompletableFuture<RecallStatus> recall(final RecallRequest request)
    {
        return peer.unary(BrokerGrpc.getRecallMethod(), () -> MessageCodec.recallRequest(request),
            MessageCodec::recallResult, timeoutMs);
    }

    @Override
    public CompletableFuture<EndTransactionStatus> endTransaction(final EndTransactionRequest request)
    {
        return peer.unary(BrokerGrpc.getEndTransactionMethod(), () -> TransactionCodec.endRequest(request),
            TransactionCodec::endResult, timeoutMs);
    }

    /**
     * Returns at once; the watch (a {@code WatchTransactionChecks} stream) is set up, and renewed after failures, in
     * the background, see {@link StreamWatch}.
     */
    @Override
    public Subscription watchTransactionChecks(final String producerGroup, final String clientId,
        final Consumer<TransactionCheck> listener)
    {
        if (listener == null)
        {
            throw new InvalidArgumentException("illegal transaction check watch: producerGroup=" + producerGroup +
                ", listener=null");
        }
        final TransactionProto.WatchTransactionChecksRequest request =
            TransactionProto.WatchTransactionChecksRequest.newBuilder()
                .setProducerGroup(text(producerGroup))
                .setClientId(text(clientId))
                .build();
        return new StreamWatch<>(peer, BrokerGrpc.getWatchTransactionChecksMethod(), request, producerGroup,
            TransactionCodec::check, null, listener, backoffMin, backoffMax).start();
    }

    @Override
    public CompletableFuture<List<TransactionInfo>> transactions(final String producerGroup)
    {
        return peer.unary(BrokerGrpc.getTransactionsMethod(), () -> TransactionProto.TransactionsRequest.newBuilder()
            .setProducerGroup(text(producerGroup)).build(), TransactionCodec::infos, timeoutMs);
    }

    /**
     * With streaming on, a pull with a long-poll timeout is served from its queue's stream (see {@link PullStream});
     * otherwise it is one unary call whose deadline covers the long-poll timeout plus the call timeout, so a held
     * pull is answered before it.
     */
    @Override
    public CompletableFuture<PullResult> pull(final PullRequest request)
    {
        if (streams != null && request != null && request.longPollTimeoutMs() > 0)
        {
            return streams.pull(request);
        }
        final long longPollMs = request == null ? 0 : Math.max(0, request.longPollTimeoutMs());
        return peer.unary(BrokerGrpc.getPullMethod(), () -> MessageCodec.pullRequest(request),
            MessageCodec::pullResult, timeoutMs + longPollMs);
    }

    @Override
    public CompletableFuture<Void> heartbeat(final ClientHeartbeat heartbeat)
    {
        return peer.unary(BrokerGrpc.getHeartbeatMethod(), () -> GroupCodec.heartbeat(heartbeat), done -> null,
            timeoutMs);
    }

    @Override
    public CompletableFuture<Void> unregisterClient(final String clientId, final String group)
    {
        return peer.unary(BrokerGrpc.getUnregisterClientMethod(), () -> BrokerProto.UnregisterClientRequest
            .newBuilder().setClientId(text(clientId)).setGroup(text(group)).build(), done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<List<String>> groupMembers(final String group)
    {
        return peer.unary(BrokerGrpc.getGroupMembersMethod(), () -> BrokerProto.GroupMembersRequest.newBuilder()
            .setGroup(text(group)).build(), GroupCodec::groupMembers, timeoutMs);
    }

    /**
     * Returns at once; the watch is set up (and renewed after failures) in the background, see {@link StreamWatch}.
     */
    @Override
    public Subscription watchGroup(final String group, final String clientId, final Consumer<GroupEvent> listener)
    {
        if (listener == null)
        {
            throw new InvalidArgumentException("illegal group watch: group=" + group +
                ", listener=null");
        }
        final BrokerProto.WatchGroupRequest request = BrokerProto.WatchGroupRequest.newBuilder()
            .setGroup(text(group))
            .setClientId(text(clientId))
            .build();
        return new StreamWatch<>(peer, BrokerGrpc.getWatchGroupMethod(), request, group, GroupCodec::groupEvent,
            () -> new GroupEvent(group, GroupEvent.Kind.MEMBERS_CHANGED), listener, backoffMin, backoffMax).start();
    }

    @Override
    public CompletableFuture<Void> commitOffsets(final CommitOffsetsRequest request)
    {
        return peer.unary(BrokerGrpc.getCommitOffsetsMethod(), () -> GroupCodec.commitOffsets(request),
            done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<Long> queryOffset(final String group, final String topic, final int queueId)
    {
        return peer.unary(BrokerGrpc.getQueryOffsetMethod(), () -> BrokerProto.QueryOffsetRequest.newBuilder()
            .setGroup(text(group)).setTopic(text(topic)).setQueueId(queueId).build(),
            BrokerProto.OffsetResult::getOffset, timeoutMs);
    }

    @Override
    public CompletableFuture<QueueOffsets> queueOffsets(final String topic, final int queueId)
    {
        return peer.unary(BrokerGrpc.getQueueOffsetsMethod(), () -> BrokerProto.QueueOffsetsRequest.newBuilder()
            .setTopic(text(topic)).setQueueId(queueId).build(), GroupCodec::queueOffsets, timeoutMs);
    }

    @Override
    public CompletableFuture<Long> searchOffset(final String topic, final int queueId, final long timestampMs)
    {
        return peer.unary(BrokerGrpc.getSearchOffsetMethod(), () -> BrokerProto.SearchOffsetRequest.newBuilder()
            .setTopic(text(topic)).setQueueId(queueId).setTimestampMs(timestampMs).build(),
            BrokerProto.OffsetResult::getOffset, timeoutMs);
    }

    @Override
    public CompletableFuture<List<QueueRef>> lockQueues(final LockRequest request)
    {
        return peer.unary(BrokerGrpc.getLockQueuesMethod(), () -> GroupCodec.lockRequest(request),
            GroupCodec::queueRefs, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> unlockQueues(final LockRequest request)
    {
        return peer.unary(BrokerGrpc.getUnlockQueuesMethod(), () -> GroupCodec.lockRequest(request), done -> null,
            timeoutMs);
    }

    @Override
    public CompletableFuture<Void> sendBack(final SendBackRequest request)
    {
        return peer.unary(BrokerGrpc.getSendBackMethod(), () -> MessageCodec.sendBackRequest(request),
            done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> createOrUpdateTopic(final TopicConfig topic)
    {
        return peer.unary(BrokerGrpc.getCreateOrUpdateTopicMethod(), () -> CommonCodec.topicConfig(topic),
            done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(final String topic)
    {
        return peer.unary(BrokerGrpc.getDeleteTopicMethod(), () -> BrokerProto.DeleteTopicRequest.newBuilder()
            .setTopic(text(topic)).build(), done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<List<TopicConfig>> topics()
    {
        return peer.unary(BrokerGrpc.getTopicsMethod(), BrokerProto.TopicsRequest::getDefaultInstance,
            GroupCodec::topics, timeoutMs);
    }

    @Override
    public CompletableFuture<Map<Integer, Long>> resetOffsets(final ResetOffsetsRequest request)
    {
        return peer.unary(BrokerGrpc.getResetOffsetsMethod(), () -> GroupCodec.resetOffsets(request),
            GroupCodec::offsetMap, timeoutMs);
    }

    @Override
    public CompletableFuture<BrokerStatus> status()
    {
        return peer.unary(BrokerGrpc.getStatusMethod(), BrokerProto.StatusRequest::getDefaultInstance,
            AdminCodec::brokerStatus, timeoutMs);
    }

    @Override
    public CompletableFuture<Map<Integer, QueueOffsets>> topicOffsets(final String topic)
    {
        return peer.unary(BrokerGrpc.getTopicOffsetsMethod(), () -> BrokerProto.TopicOffsetsRequest.newBuilder()
            .setTopic(text(topic)).build(), AdminCodec::topicOffsets, timeoutMs);
    }

    @Override
    public CompletableFuture<List<GroupState>> consumerGroups()
    {
        return peer.unary(BrokerGrpc.getConsumerGroupsMethod(), BrokerProto.ConsumerGroupsRequest::getDefaultInstance,
            AdminCodec::groupStates, timeoutMs);
    }

    @Override
    public CompletableFuture<List<QueueConsumeState>> consumerProgress(final String group)
    {
        return peer.unary(BrokerGrpc.getConsumerProgressMethod(), () -> BrokerProto.ConsumerProgressRequest
            .newBuilder().setGroup(text(group)).build(), AdminCodec::queueConsumeStates, timeoutMs);
    }

    @Override
    public CompletableFuture<List<MessageView>> messageById(final String messageId)
    {
        return peer.unary(BrokerGrpc.getMessageByIdMethod(), () -> BrokerProto.MessageByIdRequest.newBuilder()
            .setMessageId(text(messageId)).build(), AdminCodec::storedMessages, timeoutMs);
    }

    @Override
    public CompletableFuture<List<MessageView>> messagesByKey(final KeyQuery query)
    {
        return peer.unary(BrokerGrpc.getMessagesByKeyMethod(), () -> AdminCodec.keyQuery(query),
            AdminCodec::storedMessages, timeoutMs);
    }

    /**
     * A long poll: the deadline covers the master's hold ({@code maxWaitMs}) on top of the call timeout.
     */
    @Override
    public CompletableFuture<ReplicaFetchResult> fetchReplica(final ReplicaFetchRequest request)
    {
        final long waitMs = request == null ? 0 : Math.max(0, request.maxWaitMs());
        return peer.unary(BrokerGrpc.getFetchReplicaMethod(), () -> ReplicaCodec.fetchRequest(request),
            ReplicaCodec::fetchResult, timeoutMs + waitMs);
    }

    @Override
    public CompletableFuture<ReplicaMetadata> fetchReplicaMetadata(final ReplicaMetadataRequest request)
    {
        return peer.unary(BrokerGrpc.getFetchReplicaMetadataMethod(), () -> ReplicaCodec.metadataRequest(request),
            ReplicaCodec::metadata, timeoutMs);
    }

    /**
     * @return this stub's pull streams, or null when streaming is off.
     */
    PullStreams streams()
    {
        return streams;
    }

    // ---- users and policies

    @Override
    public CompletableFuture<List<UserInfo>> listUsers()
    {
        return peer.unary(BrokerGrpc.getListUsersMethod(), () -> AccessCodec.LIST_USERS, AccessCodec::userInfos,
            timeoutMs);
    }

    @Override
    public CompletableFuture<Void> createUser(final User user)
    {
        return peer.unary(BrokerGrpc.getCreateUserMethod(), () -> AccessCodec.user(user), done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> updateUser(final User user)
    {
        return peer.unary(BrokerGrpc.getUpdateUserMethod(), () -> AccessCodec.user(user), done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> deleteUser(final String name)
    {
        return peer.unary(BrokerGrpc.getDeleteUserMethod(), () -> AccessCodec.userName(name), done -> null, timeoutMs);
    }

    @Override
    public CompletableFuture<List<Policy>> listPolicies()
    {
        return peer.unary(BrokerGrpc.getListPoliciesMethod(), () -> AccessCodec.LIST_POLICIES, AccessCodec::policies,
            timeoutMs);
    }

    @Override
    public CompletableFuture<Void> putPolicies(final String user, final List<Policy> policies)
    {
        return peer.unary(BrokerGrpc.getPutPoliciesMethod(), () -> AccessCodec.putPolicies(user, policies),
            done -> null, timeoutMs);
    }

    @Override
    public String toString()
    {
        return "GrpcBrokerStub{" + peer.address() + '}';
    }
}

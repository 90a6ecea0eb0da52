package io.rocklet.transport.grpc;

import io.grpc.ServerServiceDefinition;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.TransactionCheck;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.BrokerProto;
import io.rocklet.transport.grpc.proto.TransactionProto;

import static io.rocklet.transport.grpc.CommonCodec.EMPTY;

/**
 * Serves a {@link BrokerService} as the gRPC service {@code rocklet.v1.Broker}: one line per rpc, plus the
 * streaming {@link WatchHandler}s (group events, transaction checks) and {@link SubscribeHandler}, whose open streams end when the binding closes.
 */
final class BrokerHandlers
{
    private final ServerServiceDefinition definition;
    private final WatchHandler<BrokerProto.WatchGroupRequest, GroupEvent, BrokerProto.GroupEvent> watches;
    private final WatchHandler<TransactionProto.WatchTransactionChecksRequest, TransactionCheck,
        TransactionProto.TransactionCheck> checks;
    private final SubscribeHandler subscriptions;

    BrokerHandlers(final BrokerService broker, final String address, final TransportThreads threads)
    {
        this.watches = new WatchHandler<>(BrokerGrpc.getWatchGroupMethod().getFullMethodName(),
            BrokerProto.WatchGroupRequest.parser(),
            (request, listener) -> broker.watchGroup(request.getGroup(), request.getClientId(), listener),
            GroupCodec::groupEvent, address);
        this.checks = new WatchHandler<>(BrokerGrpc.getWatchTransactionChecksMethod().getFullMethodName(),
            TransactionProto.WatchTransactionChecksRequest.parser(),
            (request, listener) -> broker.watchTransactionChecks(request.getProducerGroup(), request.getClientId(),
                listener),
            TransactionCodec::check, address);
        this.subscriptions = new SubscribeHandler(broker, address, threads);
        this.definition = new ServiceBinder(BrokerGrpc.getServiceDescriptor())
            .unary(BrokerGrpc.getIdentityMethod(),
                request -> broker.identity(), CommonCodec::brokerIdentity)
            .unary(BrokerGrpc.getSendMethod(),
                request -> broker.send(MessageCodec.sendRequest(request)), MessageCodec::sendResult)
            .unary(BrokerGrpc.getSendBatchMethod(),
                request -> broker.sendBatch(MessageCodec.sendBatchRequest(request)), MessageCodec::sendBatchResult)
            .unary(BrokerGrpc.getRecallMethod(),
                request -> broker.recall(MessageCodec.recallRequest(request)), MessageCodec::recallResult)
            .unary(BrokerGrpc.getEndTransactionMethod(),
                request -> broker.endTransaction(TransactionCodec.endRequest(request)), TransactionCodec::endResult)
            .bind(BrokerGrpc.getWatchTransactionChecksMethod(), checks)
            .unary(BrokerGrpc.getTransactionsMethod(),
                request -> broker.transactions(request.getProducerGroup()), TransactionCodec::infos)
            .unary(BrokerGrpc.getPullMethod(),
                request -> broker.pull(MessageCodec.pullRequest(request)), MessageCodec::pullResult)
            .bind(BrokerGrpc.getSubscribeMethod(), subscriptions)
            .unary(BrokerGrpc.getHeartbeatMethod(),
                request -> broker.heartbeat(GroupCodec.heartbeat(request)), done -> EMPTY)
            .unary(BrokerGrpc.getUnregisterClientMethod(),
                request -> broker.unregisterClient(request.getClientId(), request.getGroup()), done -> EMPTY)
            .unary(BrokerGrpc.getGroupMembersMethod(),
                request -> broker.groupMembers(request.getGroup()), GroupCodec::groupMembers)
            .bind(BrokerGrpc.getWatchGroupMethod(), watches)
            .unary(BrokerGrpc.getCommitOffsetsMethod(),
                request -> broker.commitOffsets(GroupCodec.commitOffsets(request)), done -> EMPTY)
            .unary(BrokerGrpc.getQueryOffsetMethod(),
                request -> broker.queryOffset(request.getGroup(), request.getTopic(), request.getQueueId()),
                GroupCodec::offset)
            .unary(BrokerGrpc.getQueueOffsetsMethod(),
                request -> broker.queueOffsets(request.getTopic(), request.getQueueId()), GroupCodec::queueOffsets)
            .unary(BrokerGrpc.getSearchOffsetMethod(),
                request -> broker.searchOffset(request.getTopic(), request.getQueueId(), request.getTimestampMs()),
                GroupCodec::offset)
            .unary(BrokerGrpc.getLockQueuesMethod(),
                request -> broker.lockQueues(GroupCodec.lockRequest(request)), GroupCodec::queueRefs)
            .unary(BrokerGrpc.getUnlockQueuesMethod(),
                request -> broker.unlockQueues(GroupCodec.lockRequest(request)), done -> EMPTY)
            .unary(BrokerGrpc.getSendBackMethod(),
                request -> broker.sendBack(MessageCodec.sendBackRequest(request)), done -> EMPTY)
            .unary(BrokerGrpc.getCreateOrUpdateTopicMethod(),
                request -> broker.createOrUpdateTopic(CommonCodec.topicConfig(request)), done -> EMPTY)
            .unary(BrokerGrpc.getDeleteTopicMethod(),
                request -> broker.deleteTopic(request.getTopic()), done -> EMPTY)
            .unary(BrokerGrpc.getTopicsMethod(),
                request -> broker.topics(), GroupCodec::topics)
            .unary(BrokerGrpc.getResetOffsetsMethod(),
                request -> broker.resetOffsets(GroupCodec.resetOffsets(request)), GroupCodec::offsetMap)
            .unary(BrokerGrpc.getStatusMethod(),
                request -> broker.status(), AdminCodec::brokerStatus)
            .unary(BrokerGrpc.getTopicOffsetsMethod(),
                request -> broker.topicOffsets(request.getTopic()), AdminCodec::topicOffsets)
            .unary(BrokerGrpc.getConsumerGroupsMethod(),
                request -> broker.consumerGroups(), AdminCodec::groupStates)
            .unary(BrokerGrpc.getConsumerProgressMethod(),
                request -> broker.consumerProgress(request.getGroup()), AdminCodec::queueConsumeStates)
            .unary(BrokerGrpc.getMessageByIdMethod(),
                request -> broker.messageById(request.getMessageId()), AdminCodec::storedMessages)
            .unary(BrokerGrpc.getMessagesByKeyMethod(),
                request -> broker.messagesByKey(AdminCodec.keyQuery(request)), AdminCodec::storedMessages)
            .unary(BrokerGrpc.getFetchReplicaMethod(),
                request -> broker.fetchReplica(ReplicaCodec.fetchRequest(request)), ReplicaCodec::fetchResult)
            .unary(BrokerGrpc.getFetchReplicaMetadataMethod(),
                request -> broker.fetchReplicaMetadata(ReplicaCodec.metadataRequest(request)), ReplicaCodec::metadata)
            .unary(BrokerGrpc.getListUsersMethod(),
                request -> broker.listUsers(), AccessCodec::userInfos)
            .unary(BrokerGrpc.getCreateUserMethod(),
                request -> broker.createUser(AccessCodec.user(request)), done -> EMPTY)
            .unary(BrokerGrpc.getUpdateUserMethod(),
                request -> broker.updateUser(AccessCodec.user(request)), done -> EMPTY)
            .unary(BrokerGrpc.getDeleteUserMethod(),
                request -> broker.deleteUser(request.getName()), done -> EMPTY)
            .unary(BrokerGrpc.getListPoliciesMethod(),
                request -> broker.listPolicies(), AccessCodec::policies)
            .unary(BrokerGrpc.getPutPoliciesMethod(),
                request -> broker.putPolicies(request.getUser(), AccessCodec.putPolicies(request)), done -> EMPTY)
            .build();
    }

    ServerServiceDefinition definition()
    {
        return definition;
    }

    /**
     * Ends the open group watches and pull streams (the broker stops being served here); their clients watch and
     * pull again elsewhere or later.
     */
    void closeStreams()
    {
        watches.closeAll();
        checks.closeAll();
        subscriptions.closeAll();
    }
}

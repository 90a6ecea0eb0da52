package io.rocklet.testing;

import io.rocklet.api.MessageView;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Subscription;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link BrokerService} whose every call fails with {@link UnsupportedOperationException}: test doubles extend it
 * and implement only the calls their tests use, so a new SPI method needs no change in them. Not a test.
 */
public abstract class UnsupportedBroker implements BrokerService
{
    /**
     * @return a future failed with {@link UnsupportedOperationException} naming this double.
     */
    protected <T> CompletableFuture<T> unsupported()
    {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("not implemented by " + this));
    }

    @Override
    public CompletableFuture<RouterService.BrokerIdentity> identity()
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<SendResult> send(final SendRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<List<SendResult>> sendBatch(final SendBatchRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<RecallStatus> recall(final RecallRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<PullResult> pull(final PullRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Void> heartbeat(final ClientHeartbeat heartbeat)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Void> unregisterClient(final String clientId, final String group)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<List<String>> groupMembers(final String group)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<EndTransactionStatus> endTransaction(final EndTransactionRequest request)
    {
        return unsupported();
    }

    @Override
    public Subscription watchTransactionChecks(final String producerGroup, final String clientId,
        final Consumer<TransactionCheck> listener)
    {
        throw new UnsupportedOperationException("not implemented by " + this);
    }

    @Override
    public CompletableFuture<List<io.rocklet.api.admin.TransactionInfo>> transactions(final String producerGroup)
    {
        return unsupported();
    }

    @Override
    public Subscription watchGroup(final String group, final String clientId, final Consumer<GroupEvent> listener)
    {
        throw new UnsupportedOperationException("not implemented by " + this);
    }

    @Override
    public CompletableFuture<Void> commitOffsets(final CommitOffsetsRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> queryOffset(final String group, final String topic, final int queueId)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<QueueOffsets> queueOffsets(final String topic, final int queueId)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> searchOffset(final String topic, final int queueId, final long timestampMs)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<List<QueueRef>> lockQueues(final LockRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Void> unlockQueues(final LockRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Void> sendBack(final SendBackRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Void> createOrUpdateTopic(final TopicConfig topic)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Void> deleteTopic(final String topic)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<List<TopicConfig>> topics()
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Map<Integer, Long>> resetOffsets(final ResetOffsetsRequest request)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<BrokerStatus> status()
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<Map<Integer, QueueOffsets>> topicOffsets(final String topic)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<List<GroupState>> consumerGroups()
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<List<QueueConsumeState>> consumerProgress(final String group)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<List<MessageView>> messageById(final String messageId)
    {
        return unsupported();
    }

    @Override
    public CompletableFuture<List<MessageView>> messagesByKey(final KeyQuery query)
    {
        return unsupported();
    }
}

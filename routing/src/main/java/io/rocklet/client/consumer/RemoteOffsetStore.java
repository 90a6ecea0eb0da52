package io.rocklet.client.consumer;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.QueueOffset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Offsets of a clustering group, kept by the broker that holds each queue: one commit request per
 * broker, one query per queue. Holds no state of its own, so a reset of the group's offsets on the
 * broker is seen by the next {@link #read}. Thread-safe.
 */
final class RemoteOffsetStore implements OffsetStore
{
    private final BrokerCalls brokers;
    private final String group;

    RemoteOffsetStore(final BrokerCalls brokers, final String group)
    {
        this.brokers = brokers;
        this.group = group;
    }

    @Override
    public CompletableFuture<Long> read(final MessageQueue queue)
    {
        final CompletableFuture<Long> result = new CompletableFuture<>();
        brokers.call(queue.brokerName(), "queryOffset", broker -> broker.queryOffset(group, queue.topic(),
                queue.queueId()))
            .whenComplete((offset, error) ->
            {
                if (error == null)
                {
                    result.complete(offset == null ? -1L : offset);
                }
                else if (Futures.codeOf(error) == ErrorCode.GROUP_NOT_FOUND)
                {
                    result.complete(-1L);
                }
                else
                {
                    result.completeExceptionally(Futures.unwrap(error));
                }
            });
        return result;
    }

    @Override
    public CompletableFuture<Void> commit(final Map<MessageQueue, Long> offsets)
    {
        final Map<String, List<QueueOffset>> byBroker = new TreeMap<>();
        for (final Map.Entry<MessageQueue, Long> entry : offsets.entrySet())
        {
            final MessageQueue queue = entry.getKey();
            if (entry.getValue() >= 0)
            {
                byBroker.computeIfAbsent(queue.brokerName(), name -> new ArrayList<>())
                    .add(new QueueOffset(queue.topic(), queue.queueId(), entry.getValue()));
            }
        }
        if (byBroker.isEmpty())
        {
            return Futures.done();
        }
        final List<CompletableFuture<Void>> commits = new ArrayList<>(byBroker.size());
        for (final Map.Entry<String, List<QueueOffset>> entry : byBroker.entrySet())
        {
            final CommitOffsetsRequest request = new CommitOffsetsRequest(group, entry.getValue());
            commits.add(brokers.call(entry.getKey(), "commitOffsets", broker -> broker.commitOffsets(request)));
        }
        return CompletableFuture.allOf(commits.toArray(new CompletableFuture<?>[0]));
    }
}

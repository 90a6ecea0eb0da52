package io.rocklet.client.consumer;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.spi.BrokerService;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Decides where a consumer starts in a queue it has just gained: the group's committed offset when
 * there is one (a broker answers 0 for a queue that did not exist, or held nothing, when the group first
 * subscribed: see {@link io.rocklet.api.spi.BrokerService#queryOffset}), else the configured {@link ConsumeFrom}: LAST is the queue's max offset at this moment
 * (a new group really starts at the end, even when the queue still holds everything from offset 0),
 * FIRST its min offset, TIMESTAMP the first message stored at or after the time. A retry topic always
 * starts at its first message, since everything in it belongs to the group.
 *
 * <p>When {@code pin} is set, a start found from {@code consumeFrom} is committed at once, so that a
 * member taking the queue over after a crash starts there too (and not at a later LAST). Stateless,
 * thread-safe.
 */
final class StartOffsets
{
    private final BrokerCalls brokers;
    private final OffsetStore offsets;
    private final ConsumeFrom consumeFrom;
    private final boolean pin;

    /**
     * @param pin commit a start found from {@code consumeFrom} at once.
     */
    StartOffsets(final BrokerCalls brokers, final OffsetStore offsets, final ConsumeFrom consumeFrom,
        final boolean pin)
    {
        this.brokers = brokers;
        this.offsets = offsets;
        this.consumeFrom = consumeFrom;
        this.pin = pin;
    }

    /**
     * @return the offset to start {@code queue} at.
     */
    CompletableFuture<Long> resolve(final MessageQueue queue)
    {
        return offsets.read(queue).thenCompose(committed -> committed >= 0 ?
            CompletableFuture.completedFuture(committed) :
            fromPosition(queue).thenCompose(offset -> pinned(queue, offset)));
    }

    /**
     * Commits {@code offset} for {@code queue} (a failed commit is left to the next periodic one).
     *
     * @return {@code offset}, once the commit is answered.
     */
    CompletableFuture<Long> restartAt(final MessageQueue queue, final long offset)
    {
        return offsets.commit(Map.of(queue, offset)).handle((done, error) -> offset);
    }

    private CompletableFuture<Long> pinned(final MessageQueue queue, final long offset)
    {
        return !pin ? CompletableFuture.completedFuture(offset) :
            offsets.commit(Map.of(queue, offset)).handle((done, error) -> offset);
    }

    private CompletableFuture<Long> fromPosition(final MessageQueue queue)
    {
        final ConsumeFrom.Position position = queue.topic().startsWith(SystemTopics.RETRY_PREFIX) ?
            ConsumeFrom.Position.FIRST : consumeFrom.position();
        return switch (position)
        {
            case LAST -> queueOffsets(queue).thenApply(BrokerService.QueueOffsets::maxOffset);
            case FIRST -> queueOffsets(queue).thenApply(BrokerService.QueueOffsets::minOffset);
            case TIMESTAMP -> brokers.call(queue.brokerName(), "searchOffset",
                broker -> broker.searchOffset(queue.topic(), queue.queueId(), consumeFrom.timestampMs()));
        };
    }

    private CompletableFuture<BrokerService.QueueOffsets> queueOffsets(final MessageQueue queue)
    {
        return brokers.call(queue.brokerName(), "queueOffsets",
            broker -> broker.queueOffsets(queue.topic(), queue.queueId()));
    }
}

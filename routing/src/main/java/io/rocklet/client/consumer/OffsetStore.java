package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where a consumer group's committed offsets live: on the brokers (clustering, {@link RemoteOffsetStore})
 * or in a local file (broadcasting, {@link LocalOffsetStore}). An offset is the next message to consume.
 * Implementations are thread-safe.
 */
interface OffsetStore
{
    /**
     * @return the committed offset of {@code queue}, or -1 when there is none.
     */
    CompletableFuture<Long> read(MessageQueue queue);

    /**
     * Commits offsets (queue to the next message to consume); queues not named keep their offsets.
     */
    CompletableFuture<Void> commit(Map<MessageQueue, Long> offsets);
}

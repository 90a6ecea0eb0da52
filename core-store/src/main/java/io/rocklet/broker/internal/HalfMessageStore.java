package io.rocklet.broker.internal;

import io.rocklet.api.Message;
import io.rocklet.store.AppendResult;

/**
 * Where {@link SendService} stores a transactional message's half (the broker's transaction service): invisible to
 * consumers until its transaction is committed. Thread-safe.
 */
@FunctionalInterface
public interface HalfMessageStore
{
    /**
     * @param message    the checked message, with its unique id, as it will be delivered on commit.
     * @param queueId    its queue in its topic.
     * @param bornMs     when the producer made it.
     * @param producerId the producer's client id.
     * @param group      the producer group asked about its outcome.
     * @return where the half message was stored (its queue offset is the half topic's).
     */
    AppendResult storeHalf(Message message, int queueId, long bornMs, String producerId, String group);
}

package io.rocklet.broker.internal;

import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.store.StoredMessage;

/**
 * A broker duty that puts waiting messages back into their real topics when due (the delay-level schedule, the
 * timer), run by the {@link BrokerAgent}, and cancels them on request ({@link RecallService}). Owned by the agent
 * thread (and the closing thread once the agent stopped), except {@link #holds}.
 */
public interface DelayedDelivery
{
    /**
     * Delivers what is due now.
     *
     * @return the amount of work done (messages delivered or skipped).
     */
    int deliverDue();

    /**
     * Writes its progress when it moved since the last write.
     *
     * @return 1 when it wrote, else 0.
     */
    int persist();

    /**
     * @param copy a stored copy of a message; any thread.
     * @return whether the copy waits in this duty's topic.
     */
    boolean holds(StoredMessage copy);

    /**
     * Cancels a waiting message for good (durably, before answering RECALLED) unless it is due already.
     *
     * @param waiting a copy this duty {@link #holds}.
     * @return RECALLED, ALREADY_RECALLED or ALREADY_DUE.
     * @throws io.rocklet.api.RockletException when the cancel cannot be made durable now.
     */
    RecallStatus recall(StoredMessage waiting);
}

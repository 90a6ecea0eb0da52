package io.rocklet.broker.internal;

/**
 * A broker duty that puts waiting messages back into their real topics when due (the delay-level schedule, the
 * timer), run by the {@link BrokerAgent}. Owned by the agent thread (and the closing thread once the agent stopped).
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
}

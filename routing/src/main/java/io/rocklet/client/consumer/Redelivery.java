package io.rocklet.client.consumer;

import io.rocklet.api.spi.BrokerService.SendBackRequest;

import java.util.concurrent.CompletableFuture;

/**
 * Sends a message a listener failed on back to the broker that holds it: to the group's retry topic
 * with the broker's back-off ladder (delay level 0: the broker picks), or to the dead-letter topic
 * once the broker counts {@code maxReconsumeTimes} deliveries. Stateless, thread-safe.
 */
final class Redelivery
{
    private final BrokerCalls brokers;
    private final String group;

    Redelivery(final BrokerCalls brokers, final String group)
    {
        this.brokers = brokers;
        this.group = group;
    }

    /**
     * @param maxReconsumeTimes deliveries after which the broker dead-letters the message; pass the message's
     *                          own broker count to dead-letter it now.
     */
    CompletableFuture<Void> sendBack(final ReceivedMessageImpl message, final int maxReconsumeTimes)
    {
        final SendBackRequest request = new SendBackRequest(group, message.offsetMessageId(), message.topic(), 0,
            maxReconsumeTimes);
        return brokers.call(message.queue().brokerName(), "sendBack", broker -> broker.sendBack(request));
    }

    /**
     * Sends the message straight to the dead-letter topic (its broker count is already the maximum).
     */
    CompletableFuture<Void> deadLetter(final ReceivedMessageImpl message)
    {
        return sendBack(message, message.brokerReconsumeTimes());
    }
}

package io.rocklet.client.producer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.spi.BrokerService;

import java.util.List;
import java.util.function.Function;

/**
 * Where one send may go: the topic's writable queues (sorted by broker name, then queue id) and the stub
 * of each queue's broker.
 *
 * @param queues   writable queues, not empty.
 * @param brokers  broker name to the stub of its master; may throw a {@link io.rocklet.api.RockletException}.
 * @param fallback true when the topic has no route and the queues are a template on every known broker,
 *                 for the broker to create the topic on first send.
 */
record SendTargets(List<MessageQueue> queues, Function<String, BrokerService> brokers, boolean fallback)
{
}

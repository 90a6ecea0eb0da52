package io.rocklet.api;

/**
 * The entry point of an application: connected to the routers of a cluster (through a transport),
 * it makes producers, consumers and the admin interface, and shares routes and broker connections
 * among them. Thread-safe.
 */
public interface RockletClient extends AutoCloseable
{
    Producer newProducer(ProducerConfig config);

    /**
     * A producer of transactional messages that answers the brokers' check-backs of its group with {@code checker}.
     */
    TransactionProducer newTransactionProducer(ProducerConfig config, TransactionChecker checker);

    PushConsumer newPushConsumer(PushConsumerConfig config);

    PullConsumer newPullConsumer(PullConsumerConfig config);

    Admin admin();

    /**
     * @return this client's identity as brokers see it.
     */
    String clientId();

    /**
     * Closes every producer and consumer made by this client. Idempotent.
     */
    @Override
    void close();
}

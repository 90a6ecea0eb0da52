package io.rocklet.examples.microservice;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another JVM's view of the microservice: a push consumer in its own group that reads the order desk's topic over
 * gRPC from the first order on, given only the address of the desk's router. The application code is what it would
 * be against an embedded broker; only the transport differs.
 */
final class RemoteConsumer implements AutoCloseable
{
    private final GrpcTransport transport;
    private final RockletClient client;
    private final PushConsumer consumer;
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final CountDownLatch enough;
    private final AtomicInteger remaining;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Connects to the router at {@code router} and starts consuming.
     *
     * @param router host:port of the order desk (its router).
     * @param group  the consumer group: each group gets every order once.
     * @param count  how many distinct orders to process; {@link #awaitOrders()} waits for them. Orders beyond it are
     *               left to the group (not acknowledged).
     */
    RemoteConsumer(final String router, final String group, final int count, final PrintStream out)
    {
        this.enough = new CountDownLatch(count);
        this.remaining = new AtomicInteger(count);
        this.transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().build());
        this.client = RockletClients.create(ClientConfig.builder().routers("grpc://" + router).build(), transport);
        this.consumer = client.newPushConsumer(PushConsumerConfig.builder(group)
            .subscribe(OrderDesk.TOPIC, "*")
            .consumeFrom(ConsumeFrom.FIRST)                   // a new group: from the first order stored
            .listener(messages ->
            {
                for (final ReceivedMessage message : messages)
                {
                    if (!received.contains(message.messageId()) && remaining.getAndDecrement() <= 0)
                    {
                        // past the count (listener threads run in parallel): not processed, so not acknowledged;
                        // the group gets it again later, through its retry topic
                        return ConsumeResult.RECONSUME_LATER;
                    }
                    // at-least-once: a redelivered order is printed once
                    if (received.add(message.messageId()))
                    {
                        out.printf("consumed %s from %s offset %d: %s%n", message.keys().get(0), message.queue(),
                            message.queueOffset(), new String(message.bodyBytes(), StandardCharsets.UTF_8));
                        enough.countDown();
                    }
                }
                return ConsumeResult.SUCCESS;
            })
            .build());
    }

    /**
     * Waits until {@code count} distinct orders have been consumed.
     */
    void awaitOrders() throws InterruptedException
    {
        enough.await();
    }

    /**
     * @return whether {@code count} distinct orders were consumed within {@code timeout}.
     */
    boolean awaitOrders(final Duration timeout) throws InterruptedException
    {
        return enough.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        consumer.close();
        client.close();
        transport.close();
    }
}

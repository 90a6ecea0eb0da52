package io.rocklet.examples.clientonly;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A service that only talks to a remote Rocklet cluster: it sends a few messages to a topic and consumes them back
 * through the cluster's router, over gRPC in plaintext. Its class path holds the client side only (see the module's
 * pom): {@code java -cp <class path> io.rocklet.examples.clientonly.ClientOnlyApp grpc://127.0.0.1:9876 [topic]}.
 */
public final class ClientOnlyApp
{
    private ClientOnlyApp()
    {
    }

    /**
     * Sends {@code count} messages to {@code topic} and consumes them from its first offset.
     *
     * @param routerAddress the cluster's router, {@code grpc://host:port} or {@code host:port}.
     * @param topic         the topic (created on first send when the broker allows it).
     * @param count         how many messages.
     * @param timeout       how long to wait for all of them to come back.
     * @return the bodies received, in the order they arrived.
     * @throws InterruptedException  when interrupted while waiting.
     * @throws IllegalStateException when not all of them came back in time.
     */
    public static List<String> roundTrip(final String routerAddress, final String topic, final int count,
        final Duration timeout) throws InterruptedException
    {
        final List<String> received = new ArrayList<>();
        final CountDownLatch all = new CountDownLatch(count);
        try (GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1)
            .executorThreads(2).build());
            RockletClient client = RockletClients.create(ClientConfig.builder().routers(routerAddress).build(),
                transport))
        {
            final Producer producer = client.newProducer(ProducerConfig.builder("client-only-app").build());
            for (int i = 0; i < count; i++)
            {
                producer.send(Message.builder(topic).key("k-" + i).body("message " + i).build());
            }
            try (PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("client-only-readers")
                .subscribe(topic, "*")
                .consumeFrom(ConsumeFrom.FIRST)
                .listener(messages ->
                {
                    for (final ReceivedMessage message : messages)
                    {
                        synchronized (received)
                        {
                            received.add(new String(message.bodyBytes(), StandardCharsets.UTF_8));
                        }
                        all.countDown();
                    }
                    return ConsumeResult.SUCCESS;
                }).build()))
            {
                if (!all.await(timeout.toMillis(), TimeUnit.MILLISECONDS))
                {
                    throw new IllegalStateException("only " + (count - all.getCount()) + " of " + count +
                        " messages came back within " + timeout + ": topic=" + topic);
                }
            }
        }
        synchronized (received)
        {
            return List.copyOf(received);
        }
    }

    /**
     * Runs {@link #roundTrip} against the router named by the first argument and prints what came back.
     *
     * @param args the router's address, optionally a topic.
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        if (args.length < 1)
        {
            System.err.println("usage: ClientOnlyApp <router address> [topic]");
            return;
        }
        final List<String> bodies = roundTrip(args[0], args.length > 1 ? args[1] : "client-only", 3,
            Duration.ofSeconds(30));
        System.out.println("received " + bodies.size() + " messages: " + bodies);
    }
}

package io.rocklet.examples.microservice;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.client.RockletClients;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.transport.grpc.GrpcBinding;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The order service of the microservice example: one JVM that bundles its own router and broker and serves them
 * over gRPC at one address, publishes an order to the topic {@value #TOPIC} every interval and audits every order
 * with its own push consumer (group {@value #AUDIT_GROUP}). Other JVMs reach the same router and broker at
 * {@link #address()} (see {@link RemoteConsumer}).
 * <p>
 * The service's own producer and consumer are clients over the same {@link GrpcTransport}, calling 127.0.0.1:
 * a broker is served by one transport, so in-process clients talk to it the way remote ones do (over loopback),
 * and the code is the same wherever a client runs.
 * <p>
 * Threads: the transport's (I/O and executor), the router's and broker's agents, the client's, the audit
 * consumer's, and one {@code order-desk-publisher} thread that sends the orders.
 */
final class OrderDesk implements AutoCloseable
{
    static final String TOPIC = "orders";
    static final String AUDIT_GROUP = "audit";
    static final String BROKER_NAME = "order-desk";

    private final PrintStream out;
    private final GrpcTransport transport;
    private final GrpcBinding endpoint;
    private final Router router;
    private final Broker broker;
    private final RockletClient client;
    private final Producer producer;
    private final PushConsumer audit;
    private final ScheduledExecutorService publisher;
    private final AtomicLong nextOrder = new AtomicLong(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private OrderDesk(final String host, final int port, final Path dataDirectory, final PrintStream out)
    {
        this.out = out;
        this.transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().build());
        this.endpoint = transport.listen("grpc://" + host + ':' + port);
        final String address = endpoint.address();      // with the port bound when asked for port 0
        this.router = Router.start(RouterConfig.builder(address).build(), transport);
        this.broker = Broker.start(BrokerConfig.builder()
            .brokerName(BROKER_NAME)
            .address(address)                             // the router and the broker share the address
            .routers(address)
            .storeConfig(storeConfig(dataDirectory))
            .dataDirectory(dataDirectory == null ? null : dataDirectory.resolve("broker"))
            .build(), transport);
        // on the broker itself: returns once the router has the topic (a second at most), so clients find its route
        broker.createOrUpdateTopic(TopicConfig.of(TOPIC, 4)).join();

        this.client = RockletClients.create(ClientConfig.builder().routers(address).build(), transport);
        this.producer = client.newProducer(ProducerConfig.builder("order-desk").build());
        this.audit = client.newPushConsumer(PushConsumerConfig.builder(AUDIT_GROUP)
            .subscribe(TOPIC, "*")
            .listener(messages ->
            {
                for (final ReceivedMessage message : messages)
                {
                    out.printf("audit received %s: %s%n", message.keys().get(0),
                        new String(message.bodyBytes(), StandardCharsets.UTF_8));
                }
                return ConsumeResult.SUCCESS;
            })
            .build());
        this.publisher = Executors.newSingleThreadScheduledExecutor(task ->
        {
            final Thread thread = new Thread(task, "order-desk-publisher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the service and its router and broker at {@code grpc://host:port} (port 0: a free one).
     *
     * @param dataDirectory where the broker keeps its messages and offsets, or null for a temporary directory
     *                      removed at close.
     * @param every         how often an order is published.
     */
    static OrderDesk start(final String host, final int port, final Path dataDirectory, final Duration every,
        final PrintStream out)
    {
        final OrderDesk desk = new OrderDesk(host, port, dataDirectory, out);
        desk.publisher.scheduleAtFixedRate(desk::publishOrder, 0, every.toNanos(), TimeUnit.NANOSECONDS);
        return desk;
    }

    /**
     * @return the address of the router and broker, e.g. {@code grpc://127.0.0.1:40123}.
     */
    String address()
    {
        return endpoint.address();
    }

    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        publisher.shutdownNow();
        try
        {
            publisher.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        client.close();                                   // the producer and the audit consumer with it
        broker.close();
        router.close();
        endpoint.close();
        transport.close();
        out.println("order desk stopped");
    }

    private void publishOrder()
    {
        final long order = nextOrder.getAndIncrement();
        try
        {
            final SendReceipt receipt = producer.send(Message.builder(TOPIC)
                .tag("created")
                .key("order-" + order)
                .body("{\"order\":" + order + ",\"state\":\"created\"}")
                .build());
            out.printf("sent order-%d to %s offset %d%n", order, receipt.queue(), receipt.queueOffset());
        }
        catch (final RockletException e)
        {
            // a failed send is the caller's to handle: here, report it and go on with the next order
            out.printf("order-%d not sent: %s%n", order, e.getMessage());
        }
    }

    private static StoreConfig storeConfig(final Path dataDirectory)
    {
        if (dataDirectory == null)
        {
            return StoreConfig.ephemeralBuilder().build();
        }
        return StoreConfig.builder(dataDirectory.resolve("store")).segmentSizeBytes(64 << 20).build();
    }
}

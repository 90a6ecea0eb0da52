package io.rocklet.it;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;
import io.rocklet.broker.Broker;
import io.rocklet.client.RockletClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static io.rocklet.it.ReplicaSet.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumers read from a slave while the master is down, and from slave 1 while they are far behind when the master
 * says so; producers only ever send to masters.
 */
@Timeout(60)
class SlaveReadTest
{
    private static final MessageQueue Q0 = new MessageQueue("orders", "rs", 0);

    @TempDir
    Path dir;
    private ReplicaSet set;
    private PullCounting counting;
    private RockletClient client;

    @BeforeEach
    void setUp()
    {
        set = new ReplicaSet(dir);
        counting = new PullCounting(set.transport);
        client = RockletClients.create(ClientConfig.builder().routers(ReplicaSet.ROUTER)
            .requestTimeout(Duration.ofSeconds(2)).build(), counting);
    }

    @AfterEach
    void tearDown()
    {
        client.close();
        set.close();
    }

    @Test
    void shouldConsumeAndCommitOnTheSlaveWhileTheMasterIsDown() throws Exception
    {
        final Broker master = set.master("a", UnaryOperator.identity());
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        for (int i = 0; i < 30; i++)
        {
            send(master, "orders", 0, "m" + i);
        }
        ReplicaSet.awaitCaughtUp(master, slave);
        slave.syncMetadataNow(); // the topic's config (it also comes every metadataSyncInterval, 10 s by default)
        set.stop("a");
        try (PullConsumer consumer = client.newPullConsumer(PullConsumerConfig.builder("cg")
            .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).pullBatchSize(8).build()))
        {
            consumer.assign(List.of(Q0));
            final List<ReceivedMessage> all = pollUntil(consumer, 30);
            assertEquals(30, all.size());
            consumer.commit();
            assertEquals(30, consumer.committed(Q0));
        }
        assertEquals(0, counting.pulls(ReplicaSet.address("a")));
        assertTrue(counting.pulls(ReplicaSet.address("b")) > 0);
        assertEquals(30, slave.queryOffset("cg", "orders", 0).get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldReadFromSlaveOneWhileFarBehindWhenTheMasterSuggestsIt() throws Exception
    {
        final Broker master = set.master("a", r -> r.slaveReadLagBytes(2048));
        final Broker slave = set.slave("b", 1, "a", UnaryOperator.identity());
        for (int i = 0; i < 200; i++)
        {
            send(master, "orders", 0, "m" + i);
        }
        ReplicaSet.awaitCaughtUp(master, slave);
        try (PullConsumer consumer = client.newPullConsumer(PullConsumerConfig.builder("cg")
            .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).pullBatchSize(8).build()))
        {
            consumer.assign(List.of(Q0));
            assertEquals(200, pollUntil(consumer, 200).size());
        }
        assertTrue(counting.pulls(ReplicaSet.address("b")) > 0, "far behind: read from the slave");
        assertTrue(counting.pulls(ReplicaSet.address("a")) > 0, "first and last pulls from the master");
    }

    private static List<ReceivedMessage> pollUntil(final PullConsumer consumer, final int count)
    {
        final List<ReceivedMessage> all = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (all.size() < count && System.nanoTime() < deadline)
        {
            all.addAll(consumer.poll(Duration.ofMillis(200)));
        }
        return all;
    }

    /** The client's transport: counts the pulls it sends to each broker address. */
    private static final class PullCounting implements Transport
    {
        private final Transport delegate;
        private final Map<String, AtomicInteger> pulls = new ConcurrentHashMap<>();

        PullCounting(final Transport delegate)
        {
            this.delegate = delegate;
        }

        int pulls(final String address)
        {
            return pulls.getOrDefault(address, new AtomicInteger()).get();
        }

        @Override
        public RouterService router(final String address)
        {
            return delegate.router(address);
        }

        @Override
        public BrokerService broker(final String address)
        {
            final BrokerService stub = delegate.broker(address);
            return (BrokerService)Proxy.newProxyInstance(BrokerService.class.getClassLoader(),
                new Class<?>[] {BrokerService.class}, (proxy, method, args) ->
                {
                    if (method.getName().equals("pull"))
                    {
                        pulls.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
                    }
                    try
                    {
                        return method.invoke(stub, args);
                    }
                    catch (final java.lang.reflect.InvocationTargetException e)
                    {
                        throw e.getCause();
                    }
                });
        }

        @Override
        public Binding serve(final String address, final RouterService service)
        {
            return delegate.serve(address, service);
        }

        @Override
        public Binding serve(final String address, final BrokerService service)
        {
            return delegate.serve(address, service);
        }

        @Override
        public void close()
        {
        }
    }
}

package io.rocklet.benchmarks.ha;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.benchmarks.scenario.BenchSession;
import io.rocklet.benchmarks.scenario.BenchTarget;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.broker.replication.ReplicationConfig;
import io.rocklet.broker.replication.ReplicationMode;
import io.rocklet.client.RockletClients;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.transport.local.LocalTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A replica set in this JVM over the local transport: a router, a master and (unless replication is off) one slave,
 * each broker on a store of its own under the benchmark directory (ASYNC flush, 1 GiB segments as by default), and a
 * client. One session per figure; closing it closes everything.
 */
final class HaTarget implements BenchTarget
{
    static final String TOPIC = "ha-bench";

    private final Path baseDirectory;
    private final ReplicationMode mode;
    private final boolean withSlave;
    private volatile Broker master;
    private volatile Broker slave;

    /**
     * @param withSlave false for the figure without replication (a master alone, ASYNC: nothing waits).
     */
    HaTarget(final Path baseDirectory, final ReplicationMode mode, final boolean withSlave)
    {
        this.baseDirectory = baseDirectory;
        this.mode = mode;
        this.withSlave = withSlave;
    }

    @Override
    public String name()
    {
        return "ha";
    }

    Broker master()
    {
        return master;
    }

    Broker slave()
    {
        return slave;
    }

    @Override
    public BenchSession open(final String figure)
    {
        final List<AutoCloseable> opened = new ArrayList<>();
        final LocalTransport transport = new LocalTransport();
        opened.add(transport);
        try
        {
            final Path directory = Files.createTempDirectory(baseDirectory, "ha-");
            opened.add(() -> io.rocklet.benchmarks.store.BenchDirectory.delete(directory)); // after the brokers closed
            final String routerAddress = LocalTransport.SCHEME + "router-ha";
            opened.add(Router.start(RouterConfig.builder(routerAddress).build(), transport));
            master = start(transport, routerAddress, directory.resolve("master"), 0,
                ReplicationConfig.builder().mode(mode).build());
            opened.add(master);
            if (withSlave)
            {
                slave = start(transport, routerAddress, directory.resolve("slave"), 1,
                    ReplicationConfig.builder().masterAddress(master.address()).build());
                opened.add(slave);
                awaitInSync();
            }
            final RockletClient client = RockletClients.create(ClientConfig.builder().routers(routerAddress).build(),
                transport);
            opened.add(client);
            client.admin().createTopic(new TopicConfig(TOPIC, BenchSession.QUEUES, BenchSession.QUEUES,
                TopicConfig.PERM_READ_WRITE, false), List.of(master.config().brokerName()));
            final String description = "replication=" + (withSlave ? mode : "none") + ", master and " +
                (withSlave ? "one slave" : "no slave") + " in one JVM over the local transport, flush=" +
                master.config().storeConfig().flushMode() + ", dir=" + directory;
            return new BenchSession(client, TOPIC, description, () -> closeAll(opened));
        }
        catch (final IOException e)
        {
            closeAll(opened);
            throw new UncheckedIOException(e);
        }
        catch (final RuntimeException e)
        {
            closeAll(opened);
            throw e;
        }
    }

    private void awaitInSync()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (master.replicationStatus().inSyncReplicas() < 2)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("slave not in sync after 30 s: " + master.replicationStatus());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static Broker start(final LocalTransport transport, final String router, final Path directory,
        final long brokerId, final ReplicationConfig replication)
    {
        return Broker.start(BrokerConfig.builder()
            .brokerName("ha")
            .brokerId(brokerId)
            .address(LocalTransport.SCHEME + "broker-ha-" + brokerId)
            .routers(router)
            .replication(replication)
            .storeConfig(StoreConfig.builder(directory.resolve("store")).build())
            .build(), transport);
    }

    static void closeAll(final List<AutoCloseable> opened)
    {
        for (int i = opened.size() - 1; i >= 0; i--)
        {
            try
            {
                opened.get(i).close();
            }
            catch (final Exception e)
            {
                System.err.println("close failed: " + e);
            }
        }
    }
}

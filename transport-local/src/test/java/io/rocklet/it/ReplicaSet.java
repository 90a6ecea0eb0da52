package io.rocklet.it;

import io.rocklet.api.Message;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.broker.replication.ReplicationConfig;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import io.rocklet.transport.local.LocalTransport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A replica set (brokers of one brokerName, master and slaves) and a router on one in-JVM transport, each broker
 * keeping its files under a directory of its own so that it can be stopped and started again in another role.
 */
final class ReplicaSet implements AutoCloseable
{
    static final String ROUTER = LocalTransport.SCHEME + "router-ha";
    static final int SEGMENT_BYTES = 256 * 1024;

    final LocalTransport transport = new LocalTransport();
    private final Router router;
    private final Path root;
    private final Map<String, Broker> brokers = new ConcurrentHashMap<>();

    ReplicaSet(final Path root)
    {
        this.root = root;
        this.router = Router.start(RouterConfig.builder(ROUTER).build(), transport);
    }

    static String address(final String name)
    {
        return LocalTransport.SCHEME + "broker-" + name;
    }

    /**
     * Starts broker {@code name} (its own directory) of replica set "rs" with id {@code brokerId}.
     */
    Broker start(final String name, final long brokerId, final UnaryOperator<ReplicationConfig.Builder> replication,
        final UnaryOperator<BrokerConfig.Builder> settings)
    {
        return start(name, brokerId, replication, settings, UnaryOperator.identity());
    }

    /**
     * Starts broker {@code name} with its store's settings changed by {@code store} (after the set's own).
     */
    Broker start(final String name, final long brokerId, final UnaryOperator<ReplicationConfig.Builder> replication,
        final UnaryOperator<BrokerConfig.Builder> settings, final UnaryOperator<StoreConfig.Builder> store)
    {
        final Path directory = root.resolve(name);
        final BrokerConfig.Builder config = BrokerConfig.builder()
            .brokerName("rs")
            .brokerId(brokerId)
            .address(address(name))
            .routers(ROUTER)
            .dataDirectory(directory.resolve("broker"))
            .replication(replication.apply(ReplicationConfig.builder().retryBackoff(Duration.ofMillis(20))).build())
            .storeConfig(store.apply(StoreConfig.builder(directory.resolve("store")).segmentSizeBytes(SEGMENT_BYTES)
                .maxBodyBytes(64 * 1024).preallocate(false).fsync(false).threadingMode(ThreadingMode.SHARED)).build());
        final Broker broker = Broker.start(settings.apply(config).build(), transport);
        brokers.put(name, broker);
        return broker;
    }

    Broker master(final String name, final UnaryOperator<ReplicationConfig.Builder> replication)
    {
        return start(name, 0, replication, UnaryOperator.identity());
    }

    Broker slave(final String name, final long brokerId, final String master,
        final UnaryOperator<ReplicationConfig.Builder> replication)
    {
        return start(name, brokerId, r -> replication.apply(r.masterAddress(address(master))), UnaryOperator.identity());
    }

    void stop(final String name)
    {
        brokers.remove(name).close();
    }

    static SendResult send(final Broker broker, final String topic, final int queueId, final String body)
        throws Exception
    {
        return broker.send(new SendRequest("pg", "producer-1", Message.builder(topic).body(body).key(body).build(),
            queueId, 0, 0)).get(10, TimeUnit.SECONDS);
    }

    static PullResult pull(final Broker broker, final String topic, final int queueId, final long offset)
        throws Exception
    {
        return broker.pull(new PullRequest("cg", topic, queueId, offset, 1000, "*", 0)).get(10, TimeUnit.SECONDS);
    }

    static void awaitCaughtUp(final Broker master, final Broker slave)
    {
        Await.until(() -> logEnd(slave) == master.replicationStatus().logEndOffset(),
            () -> "slave caught up: master=" + master.replicationStatus() + ", slave=" + logEnd(slave));
    }

    /** The broker's log end, or -1 while its store reopens (a seeding or a truncation: BUSY). */
    private static long logEnd(final Broker broker)
    {
        try
        {
            return broker.replicationStatus().logEndOffset();
        }
        catch (final io.rocklet.api.RockletException e)
        {
            return -1;
        }
    }

    /**
     * Waits until the slave serves every message the master serves in each of the topic's first {@code queues} queues
     * (a slave's log end catching up is not enough: its dispatcher then puts the records in its consume queues).
     */
    static void awaitReadable(final Broker master, final Broker slave, final String topic, final int queues)
    {
        awaitCaughtUp(master, slave);
        for (int q = 0; q < queues; q++)
        {
            final int queueId = q;
            final long stored = storedCount(master, topic, queueId); // after the master's own dispatch caught up
            Await.until(() -> count(slave, topic, queueId) == Math.min(stored, 1000) &&
                count(master, topic, queueId) == Math.min(stored, 1000),
                () -> "slave serves queue " + queueId + " as the master does: slave=" + describe(slave, topic, queueId) +
                    ", master=" + describe(master, topic, queueId));
        }
    }

    /**
     * @return the queue's max offset on {@code broker} once its dispatcher indexed everything stored (queueOffsets
     *     waits for that): how many messages the queue serves from 0 when nothing was deleted.
     */
    private static long storedCount(final Broker broker, final String topic, final int queueId)
    {
        try
        {
            return broker.queueOffsets(topic, queueId).get(10, TimeUnit.SECONDS).maxOffset();
        }
        catch (final Exception e)
        {
            throw new AssertionError("queue offsets of " + topic + ":" + queueId + " on " + broker, e);
        }
    }

    private static String describe(final Broker broker, final String topic, final int queueId)
    {
        try
        {
            final PullResult result = pull(broker, topic, queueId, 0);
            return result.status() + "/" + result.messages().size() + "/next=" + result.nextOffset();
        }
        catch (final Exception e)
        {
            return e.toString();
        }
    }

    /**
     * @return how many messages the queue serves from offset 0 (up to 1,000), -1 when the pull fails.
     */
    static int count(final Broker broker, final String topic, final int queueId)
    {
        try
        {
            return pull(broker, topic, queueId, 0).messages().size();
        }
        catch (final Exception e)
        {
            return -1;
        }
    }

    @Override
    public void close()
    {
        brokers.values().forEach(Broker::close);
        router.close();
        transport.close();
    }
}

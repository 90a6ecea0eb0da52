package io.rocklet.cluster;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.broker.Broker;
import io.rocklet.broker.replication.ReplicationMode;
import io.rocklet.controller.Controller;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica set of two (master a, slave b) under three failover controllers, in one JVM over gRPC on loopback; a's
 * calls to the controllers go through {@link LoopbackProxy proxies} the test cuts. Cut off, a steps down when its
 * lease runs out, before the controllers elect b: senders writing straight to a and to b all along see a's last
 * acknowledged write end before b's first write was sent (one JVM, one clock), and a's refusals are NOT_MASTER naming
 * the lease. Restored, a learns the new master and rejoins as its slave. Under SYNC and ASYNC replication (ASYNC is
 * the case the lease is for: there a master acknowledges on its own; SYNC with one in-sync replica required, so that
 * b, elected, acknowledges alone while a is away).
 */
@Timeout(120)
class MasterPartitionTest
{
    private static final String TOPIC = "partitioned";
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** The controllers elect another master after this silence; the lease (2 s, the default) ends before. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path directory;
    private final GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext()
        .ioThreads(1).executorThreads(2).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(300)).build());
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
        transport.close();
    }

    @ParameterizedTest
    @EnumSource(ReplicationMode.class)
    void shouldNeverLetTwoMastersTakeWritesWhenTheMasterIsCutOffFromTheControllers(final ReplicationMode mode)
        throws Exception
    {
        final List<Controller> controllers = ReplicaCluster.controllers(3, directory, transport, HEARTBEAT_TIMEOUT);
        open.addAll(controllers);
        final List<LoopbackProxy> proxies = controllers.stream().map(c -> LoopbackProxy.to(c.serviceAddress()))
            .toList();
        open.addAll(proxies);
        final Broker a = open(ReplicaCluster.replica("a", 1, directory, transport, r -> r.mode(mode).minInSyncReplicas(1)
            .controllers(proxies.stream().map(LoopbackProxy::address).toList())
            .controllerHeartbeatInterval(Duration.ofMillis(200))));
        Await.until(WAIT, () -> a.replicationStatus().master(), () -> "a named master: " + a.replicationStatus());
        final Broker b = open(ReplicaCluster.replica("b", 2, directory, transport, r -> r.mode(mode).minInSyncReplicas(1)
            .controllers(controllers.stream().map(Controller::serviceAddress).toList())
            .controllerHeartbeatInterval(Duration.ofMillis(200))));
        Await.until(WAIT, () -> a.replicationStatus().inSyncReplicas() == 2, () -> "b in sync: " +
            a.replicationStatus());
        a.createOrUpdateTopic(TopicConfig.of(TOPIC, 1)).get(10, TimeUnit.SECONDS);
        Await.until(WAIT, () -> b.topics().join().stream().anyMatch(t -> t.name().equals(TOPIC)),
            () -> "b copied the topic");

        final Writes toA = new Writes(a);
        final Writes toB = new Writes(b);
        try
        {
            toA.start();
            toB.start();
            Await.until(WAIT, () -> toA.acknowledged.sum() >= 20, () -> "writes acknowledged by a: " + toA);
            proxies.forEach(LoopbackProxy::cut);
            Await.until(WAIT, () -> b.replicationStatus().master() && toB.acknowledged.sum() >= 20,
                () -> "b elected and taking writes: b " + b.replicationStatus() + ", " + toB);
        }
        finally
        {
            toA.stop();
            toB.stop();
        }
        System.out.println("partition " + mode + ": a " + toA + ", b " + toB + ", a's last ack before b's first " +
            "send by ms=" + TimeUnit.NANOSECONDS.toMillis(toB.firstSentNs.get() - toA.lastAcknowledgedNs.get()));
        assertTrue(toA.lastAcknowledgedNs.get() < toB.firstSentNs.get(), "two masters took writes: a " + toA +
            ", b " + toB);
        assertFalse(a.replicationStatus().master(), "a stepped down: " + a.replicationStatus());
        final ExecutionException refused = assertThrows(ExecutionException.class,
            () -> ReplicaCluster.send(a, TOPIC, "to-the-old-master"));
        final RockletException error = assertInstanceOf(RockletException.class, refused.getCause());
        assertEquals(ErrorCode.NOT_MASTER, error.errorCode(), error.getMessage());
        assertTrue(error.getMessage().contains("controllerLease"), error.getMessage());

        proxies.forEach(LoopbackProxy::restore);
        Await.until(WAIT, () -> b.replicationStatus().master() && !a.replicationStatus().master() &&
            a.replicationStatus().problem().isEmpty() && a.replicationStatus().epoch() == b.replicationStatus().epoch() &&
            a.replicationStatus().logEndOffset() == b.replicationStatus().logEndOffset(),
            () -> "a rejoined as b's slave: a " + a.replicationStatus() + ", b " + b.replicationStatus());
        assertTrue(b.replicationStatus().master(), "b stays master: " + b.replicationStatus());
    }

    private Broker open(final Broker broker)
    {
        open.add(broker);
        return broker;
    }

    /** A thread writing straight to one broker, booking when its acknowledged writes were sent and answered. */
    private static final class Writes
    {
        private final Broker broker;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final LongAdder acknowledged = new LongAdder();
        private final AtomicLong firstSentNs = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong lastAcknowledgedNs = new AtomicLong(Long.MIN_VALUE);
        private final Map<ErrorCode, LongAdder> refusals = new ConcurrentHashMap<>();
        private final Thread thread;

        private Writes(final Broker broker)
        {
            this.broker = broker;
            this.thread = new Thread(this::run, "writes-" + broker.address());
        }

        void start()
        {
            thread.start();
        }

        void stop() throws InterruptedException
        {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(20));
        }

        private void run()
        {
            int sequence = 0;
            while (running.get())
            {
                final long sentNs = System.nanoTime();
                try
                {
                    ReplicaCluster.send(broker, TOPIC, broker.address() + "-" + sequence++);
                    final long answeredNs = System.nanoTime();
                    acknowledged.increment();
                    firstSentNs.accumulateAndGet(sentNs, Math::min);
                    lastAcknowledgedNs.accumulateAndGet(answeredNs, Math::max);
                }
                catch (final Exception e)
                {
                    final Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    refusals.computeIfAbsent(cause instanceof RockletException r ? r.errorCode() :
                        ErrorCode.INTERNAL_ERROR, code -> new LongAdder()).increment();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pace the writes, not a wait
            }
        }

        @Override
        public String toString()
        {
            return "Writes{acknowledged=" + acknowledged + ", refusals=" + refusals + '}';
        }
    }
}

package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.ControllerClient;
import io.rocklet.api.spi.ControllerService.ReplicaHeartbeat;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.ControllerService.SyncStateSetChange;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.Transport;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.broker.internal.RouterRegistrar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A broker's link to its failover controllers (RocketMQ 5 controller mode): registers the replica, heartbeats every
 * {@code controllerHeartbeatInterval} with its epoch and log end, and applies the role each answer gives: master
 * ({@link Roles#becomeMaster}), slave of the named master ({@link Roles#becomeSlave}), or fenced when the controllers
 * name no master. As master it reports its in-sync replicas ({@code alterSyncStateSet}) whenever they differ from the
 * controllers' set, and steps down when the controllers refuse its epoch. A master also steps down when its
 * {@link ControllerLease} ran out (no controller answered for {@code controllerLease}): the controllers may be about to
 * elect another master, and two masters must never take writes. As master it passes the controllers' confirmed sync
 * state set on to replication: under SYNC a send waits for every replica in it until the controllers confirmed a
 * shrink (they could elect any replica of the set).
 *
 * <p>Calls to the controllers are asynchronous; their answers are applied by {@link #doWork(long)} on the broker
 * agent thread, the only thread that changes roles through this link.
 */
public final class ControllerLink
{
    private static final Logger LOG = LoggerFactory.getLogger(ControllerLink.class);
    private static final long FAILURE_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * What the link changes on its broker.
     *
     * @param becomeMaster master of the epoch.
     * @param becomeSlave  slave of the master address, whose epoch is given.
     * @param fence        no role (no writes, no fetching), for the reason given.
     */
    public record Roles(LongConsumer becomeMaster, BiConsumer<String, Long> becomeSlave, Consumer<String> fence)
    {
    }

    /**
     * @return the link of a broker under failover controllers (its registrations then carry its master epoch), or
     *     null for static roles.
     */
    public static ControllerLink create(final BrokerConfig config, final Transport transport,
        final Replication replication, final RouterRegistrar registrar, final Roles roles)
    {
        if (!config.replication().controlled())
        {
            return null;
        }
        registrar.masterEpoch(() -> replication.isMaster() ? replication.lastEpoch() : 0);
        final ControllerLease lease = new ControllerLease(config.nanoClock(),
            config.replication().controllerLease().toNanos());
        replication.writeLease(lease::valid, lease.leaseMs());
        return new ControllerLink(config, replication, ControllerClient.create(lease.observing(transport),
            config.replication().controllers(), config.credentials()), roles, lease); // signed as the member it is
    }

    private final BrokerConfig config;
    private final Replication replication;
    private final ControllerClient controllers;
    private final Roles roles;
    private final ControllerLease lease;
    private final long intervalNs;
    private final AtomicReference<ReplicaSetState> answer = new AtomicReference<>();
    private volatile BrokerIdentity identity;
    private volatile CompletableFuture<?> inFlight;
    private volatile CompletableFuture<?> reportInFlight;
    private volatile boolean registered;
    private volatile boolean refused;
    /** The last call failed: heartbeat again at once (the lease may be running out). */
    private volatile boolean retryNow;
    /** The newest sync state set confirmed by the controllers ({@code syncStateSetEpoch}, then the set). */
    private final AtomicReference<ReplicaSetState> confirmed = new AtomicReference<>();
    private long nextHeartbeatNs;
    private volatile long nextFailureLogNs;
    /** The epoch of the master this broker follows (a change re-points it). */
    private long followingEpoch = -1;

    private ControllerLink(final BrokerConfig config, final Replication replication, final ControllerClient controllers,
        final Roles roles, final ControllerLease lease)
    {
        this.config = config;
        this.replication = replication;
        this.controllers = controllers;
        this.roles = roles;
        this.lease = lease;
        this.intervalNs = config.replication().controllerHeartbeatInterval().toNanos();
    }

    /**
     * @param address where the broker is served (the controllers hand it to the other replicas).
     */
    public void start(final String address)
    {
        identity = new BrokerIdentity(config.clusterName(), config.brokerName(), config.brokerId(), address);
    }

    /**
     * Broker agent: applies the last answer, then heartbeats when due.
     *
     * @return the work done.
     */
    public int doWork(final long nowNs)
    {
        if (identity == null)
        {
            return 0;
        }
        int work = 0;
        final ReplicaSetState state = answer.getAndSet(null);
        if (state != null)
        {
            apply(state);
            work++;
        }
        if (refused)
        {
            refused = false;
            roles.fence().accept("the failover controllers refused this master's epoch");
            nextHeartbeatNs = nowNs; // learn the new master at once
            work++;
        }
        work += checkLease(nowNs);
        if (retryNow)
        {
            retryNow = false;
            nextHeartbeatNs = nowNs;
        }
        if (inFlight == null && nowNs - nextHeartbeatNs >= 0)
        {
            nextHeartbeatNs = nowNs + intervalNs;
            heartbeat(nowNs);
            work++;
        }
        return work;
    }

    /**
     * A master whose lease ran out steps down (fenced: no writes) before the controllers can elect another master.
     */
    private int checkLease(final long nowNs)
    {
        if (!replication.isMaster() || lease.valid(nowNs))
        {
            return 0;
        }
        LOG.warn("master lease expired, stepping down: brokerName={}, replicaId={}, epoch={}, silentMs={}, " +
            "controllerLeaseMs={}", config.brokerName(), config.brokerId(), replication.lastEpoch(),
            lease.silentMs(nowNs), lease.leaseMs());
        roles.fence().accept("no failover controller answered for longer than controllerLease=" + lease.leaseMs() +
            "ms (they may elect another master)");
        nextHeartbeatNs = nowNs;
        return 1;
    }

    private void heartbeat(final long nowNs)
    {
        final CompletableFuture<ReplicaSetState> call;
        try
        {
            call = registered ?
                controllers.heartbeat(new ReplicaHeartbeat(identity, replication.lastEpoch(),
                    replication.status().logEndOffset())) :
                controllers.registerReplica(identity);
        }
        catch (final RuntimeException e)
        {
            failed("heartbeat", e, nowNs);
            return;
        }
        inFlight = call;
        call.whenComplete((state, error) ->
        {
            if (error == null)
            {
                registered = true;
                answer.set(state);
            }
            else
            {
                final Throwable cause = cause(error);
                if (cause instanceof RockletException rocklet && rocklet.errorCode() == ErrorCode.REPLICA_SET_NOT_FOUND)
                {
                    registered = false; // the controllers lost or never had it: register again
                }
                failed("heartbeat", cause, System.nanoTime());
                retryNow = true;
            }
            inFlight = null;
        });
    }

    private void apply(final ReplicaSetState state)
    {
        final long myId = config.brokerId();
        try
        {
            if (state.isMaster(myId))
            {
                if (!replication.isMaster() || replication.lastEpoch() < state.masterEpoch())
                {
                    roles.becomeMaster().accept(state.masterEpoch());
                    followingEpoch = -1;
                }
                confirm(state);
                reportSyncStateSet(state);
            }
            else if (state.hasMaster())
            {
                final String master = state.masterAddress();
                if (replication.isMaster() || replication.fenced() || !master.equals(replication.masterAddress()) ||
                    followingEpoch != state.masterEpoch())
                {
                    roles.becomeSlave().accept(master, state.masterEpoch());
                    followingEpoch = state.masterEpoch();
                }
            }
            else if (!replication.fenced())
            {
                roles.fence().accept("the failover controllers name no master: epoch=" + state.masterEpoch());
                followingEpoch = -1;
            }
        }
        catch (final RuntimeException e)
        {
            LOG.error("role change failed: brokerName={}, replicaId={}, state={}", config.brokerName(), myId, state, e);
        }
    }

    /**
     * Hands the controllers' sync state set to replication when it is newer than the last one handed (answers may
     * complete out of order).
     */
    private void confirm(final ReplicaSetState state)
    {
        final ReplicaSetState newer = confirmed.accumulateAndGet(state, (current, next) ->
            current == null || next.masterEpoch() > current.masterEpoch() ||
                (next.masterEpoch() == current.masterEpoch() &&
                    next.syncStateSetEpoch() >= current.syncStateSetEpoch()) ? next : current);
        if (newer == state && replication.isMaster() && replication.lastEpoch() == state.masterEpoch())
        {
            replication.confirmSyncStateSet(state.syncStateSet());
        }
    }

    /**
     * The master tells the controllers which replicas are in sync (they elect the next master among them).
     */
    private void reportSyncStateSet(final ReplicaSetState state)
    {
        final long myId = config.brokerId();
        final Set<Long> inSync = new TreeSet<>();
        inSync.add(myId);
        replication.status().slaves().stream().filter(ReplicationStatus.Slave::inSync)
            .forEach(slave -> inSync.add(slave.brokerId()));
        if (inSync.equals(new TreeSet<>(state.syncStateSet())) || reportInFlight != null)
        {
            return;
        }
        final CompletableFuture<ReplicaSetState> call = controllers.alterSyncStateSet(new SyncStateSetChange(
            config.brokerName(), myId, state.masterEpoch(), inSync));
        reportInFlight = call;
        call.whenComplete((changed, error) ->
        {
            reportInFlight = null;
            if (error == null)
            {
                LOG.info("in-sync replicas reported: brokerName={}, epoch={}, syncStateSet={}", config.brokerName(),
                    changed.masterEpoch(), changed.syncStateSet());
                answer.compareAndSet(null, changed); // the agent confirms the new set at once
                return;
            }
            final Throwable cause = cause(error);
            if (cause instanceof RockletException rocklet && rocklet.errorCode() == ErrorCode.STALE_EPOCH)
            {
                LOG.warn("the controllers refused this master's epoch; stepping down: brokerName={}, epoch={}, " +
                    "error={}", config.brokerName(), state.masterEpoch(), cause.getMessage());
                refused = true;
            }
            else
            {
                failed("alterSyncStateSet", cause, System.nanoTime());
            }
        });
    }

    private void failed(final String call, final Throwable cause, final long nowNs)
    {
        if (nowNs - nextFailureLogNs >= 0)
        {
            nextFailureLogNs = nowNs + FAILURE_LOG_INTERVAL_NS;
            LOG.warn("failover controllers did not answer: call={}, brokerName={}, replicaId={}, error={}", call,
                config.brokerName(), config.brokerId(), cause.toString());
        }
    }

    private static Throwable cause(final Throwable error)
    {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}

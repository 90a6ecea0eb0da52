package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.Transport;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A master's write lease from its failover controllers: valid while some controller answered a call sent less than
 * {@code controllerLease} ago. The time counted is when the call was <em>sent</em>, never when its answer arrived, so
 * the lease always ends before the controllers' heartbeat timeout, counted from when they last heard the broker, can
 * end (the lease being shorter than that timeout).
 *
 * <p>What renews it: an answer (any controller that is the Raft leader answers only after a linearizable read, so it
 * still leads a majority), and a NO_QUORUM refusal: a reachable controller that knows no leader, or a leader that
 * lost its majority. No quorum means no election either, so the master may go on (losing two of three controllers
 * must not stop traffic). What does not: no answer at all (the master may be cut off from a majority that still
 * elects), and NOT_LEADER naming a leader the broker then cannot reach (that leader can elect).
 *
 * <p>Renewed from the controller calls' completions (any thread); read by the broker agent and by senders.
 */
final class ControllerLease
{
    private final NanoClock nanoClock;
    private final long leaseNs;
    /** Send time of the newest call a controller answered; {@link Long#MIN_VALUE} before any. */
    private final AtomicLong answeredSentNs = new AtomicLong(Long.MIN_VALUE);

    ControllerLease(final NanoClock nanoClock, final long leaseNs)
    {
        this.nanoClock = nanoClock;
        this.leaseNs = leaseNs;
    }

    /**
     * @return true while a controller answered a call sent within the lease.
     */
    boolean valid(final long nowNs)
    {
        final long sent = answeredSentNs.get();
        return sent != Long.MIN_VALUE && nowNs - sent <= leaseNs;
    }

    boolean valid()
    {
        return valid(nanoClock.nanoTime());
    }

    long leaseMs()
    {
        return leaseNs / 1_000_000;
    }

    /**
     * @return how long ago the newest answered call was sent, in ms, or -1 before any.
     */
    long silentMs(final long nowNs)
    {
        final long sent = answeredSentNs.get();
        return sent == Long.MIN_VALUE ? -1 : (nowNs - sent) / 1_000_000;
    }

    private void onAnswer(final long sentNs, final Throwable error)
    {
        if (error == null || renews(error))
        {
            answeredSentNs.accumulateAndGet(sentNs, (current, sent) ->
                current == Long.MIN_VALUE || sent - current > 0 ? sent : current);
        }
    }

    private static boolean renews(final Throwable error)
    {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause instanceof RockletException rocklet && rocklet.errorCode() == ErrorCode.NO_QUORUM;
    }

    /**
     * @return {@code transport} whose controller stubs renew this lease; every other method goes straight through (all
     *     of them, the defaults too: a default left out would answer for the wrapped transport, e.g. refuse credentials
     *     it carries).
     */
    Transport observing(final Transport transport)
    {
        return new Transport()
        {
            @Override
            public RouterService router(final String address)
            {
                return transport.router(address);
            }

            @Override
            public RouterService router(final String address, final Credentials credentials)
            {
                return transport.router(address, credentials);
            }

            @Override
            public BrokerService broker(final String address)
            {
                return transport.broker(address);
            }

            @Override
            public BrokerService broker(final String address, final Credentials credentials)
            {
                return transport.broker(address, credentials);
            }

            @Override
            public ControllerService controller(final String address)
            {
                return observed(transport.controller(address));
            }

            @Override
            public ControllerService controller(final String address, final Credentials credentials)
            {
                return observed(transport.controller(address, credentials));
            }

            @Override
            public Binding serve(final String address, final RouterService service)
            {
                return transport.serve(address, service);
            }

            @Override
            public Binding serve(final String address, final RouterService service, final AccessControl access)
            {
                return transport.serve(address, service, access);
            }

            @Override
            public Binding serve(final String address, final BrokerService service)
            {
                return transport.serve(address, service);
            }

            @Override
            public Binding serve(final String address, final BrokerService service, final AccessControl access)
            {
                return transport.serve(address, service, access);
            }

            @Override
            public Binding serve(final String address, final ControllerService service)
            {
                return transport.serve(address, service);
            }

            @Override
            public Binding serve(final String address, final ControllerService service, final AccessControl access)
            {
                return transport.serve(address, service, access);
            }

            @Override
            public void close()
            {
                transport.close();
            }
        };
    }

    private ControllerService observed(final ControllerService service)
    {
        return new ControllerService()
        {
            @Override
            public CompletableFuture<ReplicaSetState> registerReplica(final BrokerIdentity replica)
            {
                return timed(() -> service.registerReplica(replica));
            }

            @Override
            public CompletableFuture<ReplicaSetState> heartbeat(final ReplicaHeartbeat heartbeat)
            {
                return timed(() -> service.heartbeat(heartbeat));
            }

            @Override
            public CompletableFuture<ReplicaSetState> alterSyncStateSet(final SyncStateSetChange change)
            {
                return timed(() -> service.alterSyncStateSet(change));
            }

            @Override
            public CompletableFuture<ReplicaSetState> replicaSet(final String brokerName)
            {
                return timed(() -> service.replicaSet(brokerName));
            }

            @Override
            public CompletableFuture<ReplicaSetState> electMaster(final String brokerName)
            {
                return timed(() -> service.electMaster(brokerName));
            }
        };
    }

    private CompletableFuture<ReplicaSetState> timed(final Supplier<CompletableFuture<ReplicaSetState>> call)
    {
        final long sentNs = nanoClock.nanoTime();
        return call.get().whenComplete((state, error) -> onAnswer(sentNs, error));
    }
}

package io.rocklet.transport.local;

import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static io.rocklet.transport.local.LocalTransport.call;

/**
 * A failover controller reached by direct calls; the controller is looked up on every call (a restarted controller
 * is found again).
 */
final class LocalControllerStub implements ControllerService
{
    private final Supplier<ControllerService> target;

    LocalControllerStub(final Supplier<ControllerService> target)
    {
        this.target = target;
    }

    @Override
    public CompletableFuture<ReplicaSetState> registerReplica(final BrokerIdentity replica)
    {
        return call(() -> target.get().registerReplica(replica));
    }

    @Override
    public CompletableFuture<ReplicaSetState> heartbeat(final ReplicaHeartbeat heartbeat)
    {
        return call(() -> target.get().heartbeat(heartbeat));
    }

    @Override
    public CompletableFuture<ReplicaSetState> alterSyncStateSet(final SyncStateSetChange change)
    {
        return call(() -> target.get().alterSyncStateSet(change));
    }

    @Override
    public CompletableFuture<ReplicaSetState> replicaSet(final String brokerName)
    {
        return call(() -> target.get().replicaSet(brokerName));
    }

    @Override
    public CompletableFuture<ReplicaSetState> electMaster(final String brokerName)
    {
        return call(() -> target.get().electMaster(brokerName));
    }
}

package io.rocklet.api.spi;

import io.rocklet.api.spi.RouterService.BrokerIdentity;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The failover controller's contract (RocketMQ 5 controller mode): it decides which replica of each replica set
 * ({@code brokerName}) is the master. Replicas register once and then heartbeat every 500 ms to 1 s; every answer is
 * the replica set's current {@link ReplicaSetState}, from which a broker learns its role: master when
 * {@link ReplicaSetState#masterBrokerId()} is its own id (with {@link ReplicaSetState#masterEpoch()} as its epoch),
 * slave of {@link ReplicaSetState#masterAddress()} otherwise. When the master stops heartbeating, the controller
 * elects a new one from the in-sync replicas with a new epoch.
 *
 * <p>Only the controllers' Raft leader decides; the others fail with {@link io.rocklet.api.NotLeaderException}
 * naming the leader when they know it ({@link ControllerClient} follows it). Every call completes its future with the
 * answer or a {@link io.rocklet.api.RockletException}: NOT_LEADER, NO_QUORUM (the controllers cannot reach a
 * majority), STALE_EPOCH (a request of a deposed master), REPLICA_SET_NOT_FOUND, INVALID_ARGUMENT.
 */
public interface ControllerService
{
    /** {@link ReplicaSetState#masterBrokerId()} of a replica set without a master. */
    long NO_MASTER = -1;

    /**
     * Adds a replica to its replica set (creating the set), or updates its address. The first replica of a new
     * replica set becomes its master with epoch 1.
     *
     * @param replica {@code brokerId} names the replica within its set (its role comes from the answer).
     */
    CompletableFuture<ReplicaSetState> registerReplica(BrokerIdentity replica);

    /**
     * A replica is alive (not replicated: the leader keeps the time in memory).
     *
     * @return the replica set's current state; a replica whose epoch is older learns the current master here.
     */
    CompletableFuture<ReplicaSetState> heartbeat(ReplicaHeartbeat heartbeat);

    /**
     * The master reports which replicas are in sync. Refused with STALE_EPOCH unless {@code change} names the current
     * master and epoch.
     */
    CompletableFuture<ReplicaSetState> alterSyncStateSet(SyncStateSetChange change);

    /**
     * @return the replica set's current state; REPLICA_SET_NOT_FOUND when no replica of it registered.
     */
    CompletableFuture<ReplicaSetState> replicaSet(String brokerName);

    /**
     * An administrator's hand-over: elects another master now, from the live in-sync replicas other than the current
     * master (the one with the largest log). When none is eligible the state is answered unchanged.
     */
    CompletableFuture<ReplicaSetState> electMaster(String brokerName);

    /**
     * A replica's heartbeat.
     *
     * @param broker       the replica (cluster, replica set, id, address).
     * @param epoch        the master epoch the replica last learned (0 before any).
     * @param maxLogOffset the end of its commit log: an election prefers the largest.
     */
    record ReplicaHeartbeat(BrokerIdentity broker, long epoch, long maxLogOffset)
    {
    }

    /**
     * The master's report of its in-sync replicas.
     *
     * @param brokerName     the replica set.
     * @param masterBrokerId the reporting master's id.
     * @param masterEpoch    the epoch it is master in.
     * @param syncStateSet   the ids in sync, the master's included.
     */
    record SyncStateSetChange(String brokerName, long masterBrokerId, long masterEpoch, Set<Long> syncStateSet)
    {
        public SyncStateSetChange
        {
            syncStateSet = Set.copyOf(syncStateSet);
        }
    }

    /**
     * A replica set as the controllers decided it.
     *
     * @param clusterName       the cluster it belongs to.
     * @param brokerName        the replica set.
     * @param replicas          broker id to address, every registered replica.
     * @param masterBrokerId    the master's id, or {@link #NO_MASTER}.
     * @param masterEpoch       grows with every master change (a master chosen or lost); 0 before the first.
     * @param syncStateSet      the ids in sync with the master, as it last reported (kept while there is no master,
     *                          so that those replicas stay eligible).
     * @param syncStateSetEpoch grows with every change of the set.
     */
    record ReplicaSetState(String clusterName, String brokerName, Map<Long, String> replicas, long masterBrokerId,
        long masterEpoch, Set<Long> syncStateSet, long syncStateSetEpoch)
    {
        public ReplicaSetState
        {
            replicas = Map.copyOf(replicas);
            syncStateSet = Set.copyOf(syncStateSet);
        }

        /**
         * @return true while a master is elected.
         */
        public boolean hasMaster()
        {
            return masterBrokerId != NO_MASTER;
        }

        /**
         * @return the master's address, or {@code ""} when there is no master.
         */
        public String masterAddress()
        {
            return hasMaster() ? replicas.getOrDefault(masterBrokerId, "") : "";
        }

        /**
         * @return true when {@code brokerId} is the master.
         */
        public boolean isMaster(final long brokerId)
        {
            return hasMaster() && masterBrokerId == brokerId;
        }

        @Override
        public String toString()
        {
            return "ReplicaSetState{cluster=" + clusterName + ", brokerName=" + brokerName + ", replicas=" +
                new TreeMap<>(replicas) + ", master=" + masterBrokerId + ", masterEpoch=" + masterEpoch +
                ", syncStateSet=" + new TreeSet<>(syncStateSet) + ", syncStateSetEpoch=" + syncStateSetEpoch + '}';
        }
    }
}

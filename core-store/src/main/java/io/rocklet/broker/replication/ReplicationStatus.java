package io.rocklet.broker.replication;

import java.util.List;

/**
 * A broker's view of replication, for status and tests.
 *
 * @param master         true on the replica set's master.
 * @param epoch          the newest epoch in the broker's history (0 before any).
 * @param logEndOffset   the broker's log end.
 * @param lagBytes       on a master, the furthest-behind slave's distance to the log end; on a slave, its distance to
 *                       the master's log end at the last answer.
 * @param lagMs          how long the furthest-behind slave (on a slave: this slave) has not had everything.
 * @param inSyncReplicas on a master, the replicas in sync, the master counted; on a slave 0.
 * @param slaves         on a master, each slave as last heard of.
 * @param problem        on a slave, why replication stopped (a mismatch with the master), or "".
 */
public record ReplicationStatus(boolean master, long epoch, long logEndOffset, long lagBytes, long lagMs,
    int inSyncReplicas, List<Slave> slaves, String problem)
{
    /**
     * @param brokerId    the slave's id.
     * @param address     where it is served.
     * @param ackedOffset the offset it acknowledged.
     * @param inSync      whether it counts for SYNC acknowledgements.
     */
    public record Slave(long brokerId, String address, long ackedOffset, boolean inSync)
    {
    }
}

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
 * @param truncatedBytes    the bytes of its own tail the broker cut when it last rejoined as a slave (a former
 *                          master's writes the new master never had; see {@link Replication#lastTruncation()}), or 0.
 * @param truncatedMessages the messages those bytes held, or 0.
 */
public record ReplicationStatus(boolean master, long epoch, long logEndOffset, long lagBytes, long lagMs,
    int inSyncReplicas, List<Slave> slaves, String problem, long truncatedBytes, long truncatedMessages)
{
    /**
     * A status without a truncation.
     */
    public ReplicationStatus(final boolean master, final long epoch, final long logEndOffset, final long lagBytes,
        final long lagMs, final int inSyncReplicas, final List<Slave> slaves, final String problem)
    {
        this(master, epoch, logEndOffset, lagBytes, lagMs, inSyncReplicas, slaves, problem, 0, 0);
    }

    /**
     * @return this status with the last truncation's figures.
     */
    public ReplicationStatus withTruncation(final long bytes, final long messages)
    {
        return new ReplicationStatus(master, epoch, logEndOffset, lagBytes, lagMs, inSyncReplicas, slaves, problem,
            bytes, messages);
    }

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

package io.rocklet.broker.replication;

/**
 * What a master knows of one slave: the offset it acknowledged (its last fetch offset) and when it last fetched.
 * Written by the fetch handler (any thread), read by SYNC acknowledgement and status (any thread).
 */
final class SlaveProgress
{
    final long brokerId;
    volatile String address;
    volatile long ackedOffset;
    volatile long lastFetchNs;
    /** When the slave last had everything the master had. */
    volatile long caughtUpNs;

    SlaveProgress(final long brokerId, final String address, final long nowNs)
    {
        this.brokerId = brokerId;
        this.address = address;
        this.lastFetchNs = nowNs;
        this.caughtUpNs = nowNs;
    }

    boolean inSync(final long masterEnd, final long nowNs, final long maxGapBytes, final long maxSilenceNs)
    {
        return masterEnd - ackedOffset <= maxGapBytes && nowNs - lastFetchNs <= maxSilenceNs;
    }
}
